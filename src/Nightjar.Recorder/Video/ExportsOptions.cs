namespace Nightjar.Recorder.Video;

/// <summary>Configuration section <c>Nightjar:Exports</c>.</summary>
public sealed class ExportsOptions
{
    public const string Section = "Nightjar:Exports";

    /// <summary>The bound when none is set: 4 GiB, or a tenth of the disk the exports go to when that is less.</summary>
    public const long DefaultMaxBytes = 4L << 30;

    /// <summary>On a small disk the default bound is this share of it, so the room kept for exports never crowds out recordings.</summary>
    public const int DefaultShareOfDisk = 10;

    /// <summary>Smaller than this holds no export worth making; almost surely a typo.</summary>
    public const long MinimumMaxBytes = 1L << 20;

    /// <summary>
    /// <c>Nightjar:Exports:MaxBytes</c>: the most the exports folder may hold (unset: 4 GiB, or a tenth of its disk when
    /// that is less). An export that would take it past this is not written; on the recordings disk, the unused part is
    /// kept free from recordings.
    /// </summary>
    public long? MaxBytes { get; set; }

    /// <summary>
    /// <c>Nightjar:Exports:UsbFolder</c>: where the box's system mounts USB sticks (default <c>/media</c>). Every disk mounted
    /// below it is offered in the Export dialog to copy exports onto; the recorder never mounts anything itself.
    /// </summary>
    public string UsbFolder { get; set; } = "/media";
}
