namespace Nightjar.Recorder.Video;

/// <summary>A disk the box's system mounted under the USB folder (<c>Nightjar:Exports:UsbFolder</c>): a USB stick, named by its mount point's folder.</summary>
public sealed record UsbStick(string Name, string MountPoint, string FileSystem, long FreeBytes);
