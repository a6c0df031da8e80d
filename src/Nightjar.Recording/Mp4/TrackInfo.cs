namespace Nightjar.Recording.Mp4;

/// <summary>One track of an init segment, with the defaults its fragments may leave out (from <c>trex</c>).</summary>
public sealed record TrackInfo(
    uint Id,
    TrackKind Kind,
    uint Timescale,
    MediaCodec Codec,
    int Width,
    int Height,
    uint DefaultSampleDuration,
    uint DefaultSampleFlags);
