namespace Nightjar.Recording.Storage;

/// <summary>
/// One recording file as the index knows it. <see cref="GapReason"/> says why nothing was recorded just before it.
/// <see cref="MediaStart"/> is the run's decode time (90 kHz) of its first fragment; <see cref="BytesBase"/> is the run's
/// time that is 0 in the file's own bytes (0 for files written before files began at 0).
/// </summary>
public sealed record RecordingSummary(
    long Id,
    StreamKey Stream,
    string Path,
    DateTimeOffset Start,
    DateTimeOffset End,
    long MediaStart,
    long MediaDuration,
    long Bytes,
    long InitBytes,
    int Fragments,
    string Codec,
    string? BrowserCodec,
    int Width,
    int Height,
    string? Audio,
    string? GapReason,
    bool Open,
    long BytesBase);
