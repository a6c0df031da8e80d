namespace Nightjar.Recording.Storage;

/// <summary>
/// Where one fragment of a recording file is: its byte offset and size in the file, and its decode time in 90 kHz
/// ticks from the start of the file's first fragment. Playback seeks with these alone, without reading the file.
/// </summary>
public readonly record struct FragmentEntry(long Offset, int Size, long Time, bool IsKeyframe);
