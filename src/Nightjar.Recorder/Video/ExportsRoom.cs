using System.Globalization;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Video;

/// <summary>
/// The exports folder's room: its own bound (<c>Nightjar:Exports:MaxBytes</c>), what it holds, and whether an export of
/// a given length fits. While the folder is on the recordings disk, the unused part of the bound is kept free from
/// recordings (<see cref="KeptFreeOnRecordingsDisk"/>, handed to the engine), so an export written within its bound
/// never makes retention delete a recording. Holds nothing of a host: the engine, which outlives hosts, keeps asking
/// the one it was started with.
/// </summary>
public sealed class ExportsRoom(string folder, string recordingsFolder, long? configuredMaxBytes, long recordingsMinFreeBytes)
{
    private bool? onRecordingsDisk;
    private long? defaultMaxBytes;

    public string Folder => folder;

    /// <summary>The bound: as configured, else <see cref="ExportsOptions.DefaultMaxBytes"/> or a tenth of the disk, whichever is less.</summary>
    public long MaxBytes => configuredMaxBytes ?? (defaultMaxBytes ??= DefaultFor(DiskSpace.Of(ExistingFolder()).TotalBytes));

    /// <summary>The bound when none is configured, for a disk of <paramref name="diskBytes"/>.</summary>
    public static long DefaultFor(long diskBytes) =>
        Math.Max(ExportsOptions.MinimumMaxBytes, Math.Min(ExportsOptions.DefaultMaxBytes, diskBytes / ExportsOptions.DefaultShareOfDisk));

    /// <summary>
    /// Bytes of the exports in the folder (what the Export dialog lists), the export being written (<c>.partial</c>)
    /// included; nothing else put there counts against the bound the owner cannot delete from the dialog.
    /// </summary>
    public long UsedBytes()
    {
        long used = 0;
        try
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles().Where(f => f.Extension is ".mp4" or ".partial"))
            {
                try
                {
                    used += file.Length;
                }
                catch (FileNotFoundException)
                {
                    // Deleted while counted.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing exported yet.
        }

        return used;
    }

    /// <summary>
    /// What recordings must leave free for exports on their disk: the unused part of the bound, or nothing when the
    /// exports folder is on another disk. Never throws: retention asks it every second, and when the folder cannot be
    /// read the whole bound is kept, once it is known (recordings come first: before, nothing is kept).
    /// </summary>
    public long KeptFreeOnRecordingsDisk()
    {
        try
        {
            return OnRecordingsDisk() ? Math.Max(0, MaxBytes - UsedBytes()) : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return configuredMaxBytes ?? defaultMaxBytes ?? 0;
        }
    }

    /// <summary>Why an export of <paramref name="length"/> bytes may not be written now, in words; null when it fits.</summary>
    public string? Refusal(long length)
    {
        if (length > MaxBytes)
        {
            return $"This export needs {Size(length)}, more than the {Size(MaxBytes)} kept for exports (Nightjar:Exports:MaxBytes). Export a shorter span.";
        }

        var used = UsedBytes();
        if (used + length > MaxBytes)
        {
            return $"Exports are full: {Size(used)} of {Size(MaxBytes)} used, and this export needs {Size(length)}. Delete exports you no longer need.";
        }

        // Room retention keeps for exports is normally there; when it could not make it (nothing left to delete), the
        // recordings' own floor still comes first.
        var keep = OnRecordingsDisk() ? recordingsMinFreeBytes : 0;
        return DiskSpace.FreeBytesOf(ExistingFolder()) - length < keep
            ? $"The disk has no room for this export ({Size(length)}) without taking the space kept free for recordings."
            : null;
    }

    /// <summary>Bytes in binary units, as the bound is usually set: 3.8 GiB, 612 MiB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        _ => Math.Ceiling(bytes / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " KiB",
    };

    /// <summary>
    /// The same mount, or the same block device mounted twice (a bind mount), is the same disk. Two tmpfs mounts both
    /// name their device "tmpfs" and are not. Decided once: the folders do not move while the recorder runs.
    /// </summary>
    private bool OnRecordingsDisk()
    {
        if (onRecordingsDisk is { } known)
        {
            return known;
        }

        var exports = DiskSpace.Of(ExistingFolder());
        var recordings = DiskSpace.Of(recordingsFolder);
        var same = string.Equals(exports.MountPoint, recordings.MountPoint, StringComparison.Ordinal)
            || (exports.Device.StartsWith('/') && string.Equals(exports.Device, recordings.Device, StringComparison.Ordinal));
        onRecordingsDisk = same;
        return same;
    }

    /// <summary>The exports folder, or the data folder holding it before the first export made it.</summary>
    private string ExistingFolder() => Directory.Exists(folder) ? folder : Path.GetDirectoryName(folder)!;
}
