using Microsoft.Extensions.Logging;
using Nightjar.Recording.Events;

namespace Nightjar.Recording.Storage;

/// <summary>
/// Keeps the recordings within the quota (<c>MaxBytes</c>) and the disk above its free-space floor (<c>MinFreeBytes</c>,
/// plus the room others keep, <see cref="RecordingEngineOptions.KeptFreeForOthers"/>, at most half of the recordings' own) by deleting the oldest whole closed
/// files first, each deletion in the log, and with them the events (and their pictures) that began in what they held.
/// Recordings that a kept event protects are spared. Checked after every flush, so the used bytes never run more than
/// the open files (one per stream) past the quota. A file is unlinked before its row goes: a crash in between leaves a
/// row without a file, which start-up drops, never a file nobody meant to keep. Files being read
/// (<see cref="FileLeases"/>) are passed by while only the quota or the others' room asks, and go at the first check after
/// their last reader is done (or stalled); below the free-space floor they go all the same, and their readers end.
/// </summary>
internal sealed class Retention(
    RecordingIndex index, RecordingLayout layout, RecordingEngineOptions options, EventIndex events, EventPictures pictures, FileLeases leases, ILogger logger)
{
    private long usedBytes;
    private bool nothingLeftLogged;

    /// <summary>Bytes of every recording in the index, open files included (kept up to date by the engine).</summary>
    public long UsedBytes => Interlocked.Read(ref usedBytes);

    public void Add(long bytes) => Interlocked.Add(ref usedBytes, bytes);

    /// <summary>Files deleted to make room since the engine started.</summary>
    public int ForcedDeletions { get; private set; }

    /// <summary>How the free bytes of the recordings disk are found (a test gives a full disk).</summary>
    public Func<string, long> FreeBytesOf { get; set; } = DiskSpace.FreeBytesOf;

    public async Task EnforceAsync()
    {
        var free = FreeBytesOf(layout.Root);
        // Others (the exports) keep at most half of what recordings could otherwise have: a bound set larger than the
        // disk, or a disk mostly taken by other data, must still leave recordings room to record.
        var recordingsRoom = Math.Max(0, UsedBytes + free - options.MinFreeBytes);
        var keptFree = options.MinFreeBytes + Math.Clamp(options.KeptFreeForOthers(), 0, recordingsRoom / 2);
        var toFree = Math.Max(keptFree - free, options.MaxBytes is { } max ? UsedBytes - max : 0);
        if (toFree <= 0)
        {
            nothingLeftLogged = false;
            return;
        }

        // Below the floor recording itself is at stake, and no reader may hold that up; the quota (and the room kept for
        // others) can wait for one.
        var belowFloor = free < options.MinFreeBytes;
        var spared = new HashSet<long>();
        long freed = 0;
        while (freed < toFree)
        {
            var oldest = (await index.GetOldestClosedAsync(64 + spared.Count)).Where(r => !spared.Contains(r.Id)).ToList();
            if (oldest.Count == 0)
            {
                if (spared.Count > 0)
                {
                    return; // the rest is being read: it goes once its readers are done
                }

                if (!nothingLeftLogged)
                {
                    logger.LogError("The recordings disk needs {Bytes} more bytes free, but no closed recording is left to delete.", toFree - freed);
                    nothingLeftLogged = true;
                }

                return;
            }

            var deleted = new List<long>();
            if (!await DeleteFilesAsync(oldest, toFree, belowFloor, spared, deleted, freed))
            {
                return;
            }

            var gone = oldest.Where(r => deleted.Contains(r.Id)).ToList();
            freed += gone.Sum(r => r.Bytes);
            Add(-gone.Sum(r => r.Bytes));
            freed += await DeleteEventsAsync(gone);
        }
    }

    /// <summary>
    /// Unlinks the oldest of <paramref name="oldest"/> that are not being read (or all of them, below the floor) until
    /// <paramref name="toFree"/> is reached, then deletes their rows; the ids deleted are added to
    /// <paramref name="deleted"/>, those passed by to <paramref name="spared"/>. False when a file could not be deleted.
    /// </summary>
    private async Task<bool> DeleteFilesAsync(
        IReadOnlyList<RecordingSummary> oldest, long toFree, bool belowFloor, HashSet<long> spared, List<long> deleted, long freed)
    {
        var claimed = new List<string>();
        try
        {
            foreach (var recording in oldest)
            {
                if (freed >= toFree)
                {
                    break;
                }

                var why = options.MaxBytes is { } quota && UsedBytes - freed > quota && !belowFloor
                    ? "to keep within the recordings quota"
                    : "to keep the recordings disk's free space";
                if (!leases.TryClaim(recording.Path, why, evenIfRead: belowFloor))
                {
                    spared.Add(recording.Id);
                    continue;
                }

                claimed.Add(recording.Path);
                try
                {
                    File.Delete(layout.FullPath(recording.Path));
                }
                catch (IOException ex)
                {
                    logger.LogError("Could not delete {Path} to make room: {Message}", recording.Path, ex.Message);
                    return false;
                }

                logger.LogWarning(
                    "Deleted recording {Path} of {Stream} ({Start:u} to {End:u}, {Bytes} bytes) {Why}.",
                    recording.Path, recording.Stream, recording.Start, recording.End, recording.Bytes, why);
                freed += recording.Bytes;
                deleted.Add(recording.Id);
                ForcedDeletions++;
            }

            return true;
        }
        finally
        {
            try
            {
                // The rows of every file unlinked go, also when a later one could not be deleted.
                await index.DeleteRecordingsAsync(deleted);
            }
            finally
            {
                // Only now may a reader lease these paths again (it finds no row and no file).
                claimed.ForEach(leases.Deleted);
            }
        }
    }

    /// <summary>
    /// Deletes the events (not kept) that began in the deleted part of each camera's main-stream recordings, which
    /// their clips and pictures come from; returns the bytes of pictures freed.
    /// </summary>
    private async Task<long> DeleteEventsAsync(IReadOnlyList<RecordingSummary> deleted)
    {
        long freed = 0;
        foreach (var camera in deleted.Where(r => r.Stream.Kind == StreamKind.Main).GroupBy(r => r.Stream.CameraId))
        {
            var gone = await events.ListDeletableAsync(camera.Key, WallClock.ToMicroseconds(camera.Max(r => r.End)));
            freed += await DeleteAsync(gone);
        }

        return freed;
    }

    /// <summary>Deletes events and their pictures (pictures first); returns the bytes freed.</summary>
    public async Task<long> DeleteAsync(IReadOnlyList<RecordedEvent> gone)
    {
        foreach (var recorded in gone)
        {
            pictures.Delete(recorded.SnapshotPath);
            pictures.Delete(recorded.ThumbnailPath);
        }

        await events.DeleteAsync([.. gone.Select(e => e.Id)]);
        var bytes = gone.Sum(e => e.PictureBytes);
        Add(-bytes);
        return bytes;
    }
}
