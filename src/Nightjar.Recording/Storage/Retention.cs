using Microsoft.Extensions.Logging;
using Nightjar.Recording.Events;

namespace Nightjar.Recording.Storage;

/// <summary>
/// Keeps the recordings within the quota (<c>MaxBytes</c>) and the disk above its free-space floor (<c>MinFreeBytes</c>)
/// by deleting the oldest whole closed files first, each deletion in the log, and with them the events (and their
/// pictures) that began in what they held. Recordings that a kept event protects are spared. Checked after every flush,
/// so the used bytes never run more than the open files (one per stream) past the quota. A file is unlinked before its
/// row goes: a crash in between leaves a row without a file, which start-up drops, never a file nobody meant to keep.
/// </summary>
internal sealed class Retention(RecordingIndex index, RecordingLayout layout, RecordingOptions options, EventIndex events, EventPictures pictures, ILogger logger)
{
    private long usedBytes;
    private bool nothingLeftLogged;

    /// <summary>Bytes of every recording in the index, open files included (kept up to date by the engine).</summary>
    public long UsedBytes => Interlocked.Read(ref usedBytes);

    public void Add(long bytes) => Interlocked.Add(ref usedBytes, bytes);

    /// <summary>Files deleted to make room since the engine started.</summary>
    public int ForcedDeletions { get; private set; }

    public async Task EnforceAsync()
    {
        var free = DiskSpace.FreeBytesOf(layout.Root);
        var toFree = Math.Max(options.MinFreeBytes - free, options.MaxBytes is { } max ? UsedBytes - max : 0);
        if (toFree <= 0)
        {
            nothingLeftLogged = false;
            return;
        }

        long freed = 0;
        while (freed < toFree)
        {
            var oldest = await index.GetOldestClosedAsync(64);
            if (oldest.Count == 0)
            {
                if (!nothingLeftLogged)
                {
                    logger.LogError("The recordings disk needs {Bytes} more bytes free, but no closed recording is left to delete.", toFree - freed);
                    nothingLeftLogged = true;
                }

                return;
            }

            var deleted = new List<long>();
            foreach (var recording in oldest)
            {
                if (freed >= toFree)
                {
                    break;
                }

                try
                {
                    File.Delete(layout.FullPath(recording.Path));
                }
                catch (IOException ex)
                {
                    logger.LogError("Could not delete {Path} to make room: {Message}", recording.Path, ex.Message);
                    return;
                }

                var why = options.MaxBytes is { } quota && UsedBytes - freed > quota ? "to keep within the recordings quota" : "to keep the recordings disk's free space";
                logger.LogWarning(
                    "Deleted recording {Path} of {Stream} ({Start:u} to {End:u}, {Bytes} bytes) {Why}.",
                    recording.Path, recording.Stream, recording.Start, recording.End, recording.Bytes, why);
                freed += recording.Bytes;
                deleted.Add(recording.Id);
                ForcedDeletions++;
            }

            await index.DeleteRecordingsAsync(deleted);
            var gone = oldest.Where(r => deleted.Contains(r.Id)).ToList();
            Add(-gone.Sum(r => r.Bytes));
            freed += await DeleteEventsAsync(gone);
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
