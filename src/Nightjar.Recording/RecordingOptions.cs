namespace Nightjar.Recording;

/// <summary>What the engine needs from configuration (<c>Nightjar:Recordings:*</c>, <c>Nightjar:Ffmpeg:Path</c>).</summary>
public sealed record RecordingOptions
{
    public const long DefaultMinFreeBytes = 1L << 30;

    /// <summary>The recordings folder: the files and their index.</summary>
    public required string Dir { get; init; }

    /// <summary>Quota for all recordings; null means the whole disk less <see cref="MinFreeBytes"/>.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>Free space kept on the recordings disk, whatever the quota says.</summary>
    public long MinFreeBytes { get; init; } = DefaultMinFreeBytes;

    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>About how long each recording file is: rotation happens at the first keyframe after the stream's own point in each period.</summary>
    public TimeSpan FilePeriod { get; init; } = TimeSpan.FromMinutes(1);
}
