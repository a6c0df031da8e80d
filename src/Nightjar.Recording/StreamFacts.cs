namespace Nightjar.Recording;

/// <summary>
/// What a stream carries, measured from what arrived: codec, picture size, frame rate, bitrate, and its audio as
/// recorded ("AAC"), or why it is not ("G.711 A-law audio cannot be stored in MP4"), or null when there is none.
/// </summary>
public sealed record StreamFacts(string Codec, int Width, int Height, double FrameRate, long BitsPerSecond, string? Audio, bool AudioRecorded)
{
    public string Resolution => $"{Width}×{Height}";

    /// <summary>H.265: recorded and exported as it comes, but the box's own browser cannot decode it live.</summary>
    public bool IsH265 => Codec.StartsWith("H.265", StringComparison.Ordinal);
}
