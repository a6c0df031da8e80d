using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Storage;

/// <summary>
/// At start-up, before any stream records, makes the folder and the index agree: a row whose file is gone is dropped;
/// a file the index describes only in part (it was open when the recorder died) is read back, cut to its last whole
/// fragment and its row completed; a file with no row at all is indexed the same way; a file without one whole
/// keyframe fragment holds nothing playable and is deleted. Afterwards every file is playable and indexed. A damaged
/// file is cut before its first damaged box (or deleted when that leaves nothing), each one a warning that names the file
/// and the damage; a file that cannot be read is left as it is, with a warning, and start-up goes on to the next.
/// </summary>
internal sealed class Reconciler(RecordingIndex index, RecordingLayout layout, ILogger logger)
{
    public async Task<(int Dropped, int Repaired, int Adopted, int Deleted)> RunAsync()
    {
        var rows = await index.GetAllRecordingsAsync();
        var onDisk = layout.EnumerateFiles().ToHashSet(StringComparer.Ordinal);
        var dropped = new List<long>();
        int repaired = 0, adopted = 0, deleted = 0;
        foreach (var row in rows)
        {
            var full = layout.FullPath(row.Path);
            if (!onDisk.Remove(row.Path))
            {
                dropped.Add(row.Id);
                continue;
            }

            var (scan, gone) = await ReadBackAsync(full, whenWhole: row.Open ? null : row.Bytes);
            if (gone)
            {
                dropped.Add(row.Id);
                deleted++;
            }
            else if (scan is not null)
            {
                await index.ReplaceWithScanAsync(row, scan);
                repaired++;
            }
        }

        await index.DeleteRecordingsAsync(dropped);
        foreach (var path in onDisk.Order(StringComparer.Ordinal))
        {
            var full = layout.FullPath(path);
            if (!RecordingLayout.TryParse(path, out var stream, out var startUs))
            {
                logger.LogWarning("Ignoring {Path} in the recordings folder: not a name the recorder writes.", path);
                continue;
            }

            var (scan, gone) = await ReadBackAsync(full, whenWhole: null);
            if (gone)
            {
                deleted++;
            }
            else if (scan is not null)
            {
                await index.EnsureStreamAsync(stream);
                await index.InsertScanAsync(stream, path, startUs, scan);
                adopted++;
            }
        }

        if (dropped.Count + repaired + adopted + deleted > 0)
        {
            logger.LogWarning(
                "Recordings reconciled at start: {Dropped} index rows without a file dropped, {Repaired} files completed, {Adopted} files indexed, {Deleted} unplayable files deleted.",
                dropped.Count - deleted, repaired, adopted, deleted);
        }

        return (dropped.Count - deleted, repaired, adopted, deleted);
    }

    /// <summary>
    /// Reads one file back and cuts it to its whole fragments (Scan), or deletes it when none is whole (Gone). Neither when
    /// the file has <paramref name="whenWhole"/> bytes (a closed row that matches), or when reading or changing this one file
    /// fails: it and its row stay as they are, since the disk may be failing under it, and the other files still get their rows.
    /// </summary>
    private async Task<(RecordingScan? Scan, bool Gone)> ReadBackAsync(string full, long? whenWhole)
    {
        try
        {
            if (whenWhole is { } bytes && new FileInfo(full).Length == bytes)
            {
                return (null, false);
            }

            var (scan, problem) = await RecordingScan.ReadAsync(full);
            if (scan is null)
            {
                DeleteFile(full, problem ?? "it holds no whole keyframe");
                return (null, true);
            }

            if (problem is not null)
            {
                logger.LogWarning("Cutting {Path} to its first {Fragments} fragments ({Bytes} bytes): {Problem}.", full, scan.Fragments, scan.WholeLength, problem);
            }

            Truncate(full, scan.WholeLength);
            return (scan, false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Skipping {Path} at start: it could not be read or changed ({Message}). It is left as it was.", full, ex.Message);
            return (null, false);
        }
    }

    private static void Truncate(string path, long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        if (RandomAccess.GetLength(handle) > length)
        {
            RandomAccess.SetLength(handle, length);
            RandomAccess.FlushToDisk(handle);
        }
    }

    private void DeleteFile(string path, string why)
    {
        logger.LogWarning("Deleting {Path}: {Why}.", path, why);
        File.Delete(path);
    }
}
