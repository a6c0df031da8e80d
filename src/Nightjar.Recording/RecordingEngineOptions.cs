namespace Nightjar.Recording;

/// <summary>What the engine needs from configuration (<c>Nightjar:Recordings:*</c>, <c>Nightjar:Ffmpeg:Path</c>, <c>Nightjar:Detection:*</c>).</summary>
public sealed record RecordingEngineOptions
{
    public const long DefaultMinFreeBytes = 1L << 30;

    /// <summary>The recordings folder: the files and their index.</summary>
    public required string Dir { get; init; }

    /// <summary>Quota for all recordings; null means the whole disk less <see cref="MinFreeBytes"/>.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>Free space kept on the recordings disk, whatever the quota says.</summary>
    public long MinFreeBytes { get; init; } = DefaultMinFreeBytes;

    /// <summary>
    /// Space kept free on the recordings disk for others, on top of <see cref="MinFreeBytes"/>; asked at every retention
    /// check. The recorder's exports keep the unused part of their own bound here when they share the disk, so that
    /// writing one within that bound never makes retention delete a recording. A function, because what is unused
    /// changes as files are written and deleted; the engine need not know whose space it is. Retention waits for
    /// readers to free this part, as for the quota: only below <see cref="MinFreeBytes"/> is recording itself at stake.
    /// It never gets more than half of the room recordings could otherwise have (their bytes and the free space above
    /// the floor), however much it asks.
    /// </summary>
    public Func<long> KeptFreeForOthers { get; init; } = () => 0;

    /// <summary>An absolute path, or a bare name looked up in the absolute folders of PATH only (<see cref="Ingest.ProgramSearch"/>).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>About how long each recording file is: rotation happens at the first keyframe after the stream's own point in each period.</summary>
    public TimeSpan FilePeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest a stream may go without a keyframe, in the camera's own time. Past it the open file ends and the
    /// stream is connected again: a camera that sent one keyframe and then none would otherwise grow one file (which
    /// retention cannot delete) and the live fan-out without limit. Longer than any sane keyframe interval, so a
    /// long-GOP camera is never restarted.
    /// </summary>
    public TimeSpan MaxKeyframeInterval { get; init; } = DefaultMaxKeyframeInterval;

    public static readonly TimeSpan DefaultMaxKeyframeInterval = TimeSpan.FromSeconds(10);

    /// <summary>The object detector's model (a YOLOX export for COCO); null for the one shipped with the recorder.</summary>
    public string? DetectionModel { get; init; }

    /// <summary>
    /// Inferences a second for the whole box, shared fairly by the cameras with motion: about a seventh of one core on
    /// these machines at the default, whatever happens in front of the cameras.
    /// </summary>
    public double DetectionPerSecond { get; init; } = DefaultDetectionPerSecond;

    public const double DefaultDetectionPerSecond = 10;
}
