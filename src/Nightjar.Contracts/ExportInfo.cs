namespace Nightjar.Contracts;

/// <summary>An MP4 file in the recorder's exports folder, written by Export on the console.</summary>
public sealed record ExportInfo(string Name, long Bytes, DateTimeOffset Written);
