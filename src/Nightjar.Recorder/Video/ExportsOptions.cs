namespace Nightjar.Recorder.Video;

/// <summary>Configuration section <c>Nightjar:Exports</c>.</summary>
public sealed class ExportsOptions
{
    public const string Section = "Nightjar:Exports";

    public const long DefaultMaxBytes = 4L << 30;

    /// <summary>Smaller than this holds no export worth making; almost surely a typo.</summary>
    public const long MinimumMaxBytes = 1L << 20;

    /// <summary>
    /// <c>Nightjar:Exports:MaxBytes</c>: the most the exports folder may hold (default 4 GiB). An export that would take
    /// it past this is not written; on the recordings disk, the unused part is kept free from recordings.
    /// </summary>
    public long MaxBytes { get; set; } = DefaultMaxBytes;
}
