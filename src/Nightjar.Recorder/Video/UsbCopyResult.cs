namespace Nightjar.Recorder.Video;

/// <summary>How copying an export to a USB stick ended, in words for the screen.</summary>
public sealed record UsbCopyResult(bool Copied, string Text);
