using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Storage;

/// <summary>
/// At start-up, before any stream records, makes the folder and the index agree: a row whose file is gone is dropped;
/// a file the index describes only in part (it was open when the recorder died) is read back, cut to its last whole
/// fragment and its row completed; a file with no row at all is indexed the same way; a file without one whole
/// keyframe fragment holds nothing playable and is deleted. Afterwards every file is playable and indexed.
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

            if (!row.Open && new FileInfo(full).Length == row.Bytes)
            {
                continue;
            }

            var scan = await RecordingScan.ReadAsync(full);
            if (scan is null)
            {
                DeleteFile(full, "it holds no whole keyframe");
                dropped.Add(row.Id);
                deleted++;
                continue;
            }

            Truncate(full, scan.WholeLength);
            await index.ReplaceWithScanAsync(row, scan);
            repaired++;
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

            var scan = await RecordingScan.ReadAsync(full);
            if (scan is null)
            {
                DeleteFile(full, "it holds no whole keyframe");
                deleted++;
                continue;
            }

            Truncate(full, scan.WholeLength);
            await index.EnsureStreamAsync(stream);
            await index.InsertScanAsync(stream, path, startUs, scan);
            adopted++;
        }

        if (dropped.Count + repaired + adopted + deleted > 0)
        {
            logger.LogWarning(
                "Recordings reconciled at start: {Dropped} index rows without a file dropped, {Repaired} files completed, {Adopted} files indexed, {Deleted} unplayable files deleted.",
                dropped.Count - deleted, repaired, adopted, deleted);
        }

        return (dropped.Count - deleted, repaired, adopted, deleted);
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
