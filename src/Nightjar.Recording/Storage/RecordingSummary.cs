namespace Nightjar.Recording.Storage;

/// <summary>One recording file as the index knows it. <see cref="GapReason"/> says why nothing was recorded just before it.</summary>
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
    bool Open);
