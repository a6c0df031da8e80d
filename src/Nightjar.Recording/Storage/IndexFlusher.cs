using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Storage;

/// <summary>
/// Once a second, for every stream: snapshot what was written, flush those bytes (and any new folder entries) to the
/// disk, then commit the index rows in one transaction. This order is the crash rule: the index never describes bytes
/// the disk may not have. Bytes written after the last commit are not lost either: start-up reconciliation reads them
/// back from the file. The engine runs one flush at a time.
/// </summary>
internal sealed class IndexFlusher(RecordingIndex index, ILogger logger)
{
    private bool failing;

    /// <summary>Why the last commit failed, in the words of the error; null after one that worked.</summary>
    public string? Failure { get; private set; }

    /// <summary>Flushes and commits. Returns how many bytes the index gained, or null when the commit failed (it is tried again at the next flush).</summary>
    public async Task<long?> FlushAsync(IReadOnlyCollection<StreamRecorder> recorders)
    {
        var snapshots = new List<FileSnapshot>();
        var reasons = new List<(StreamKey, string?)>();
        var changedReasons = new List<(StreamRecorder Recorder, string? Reason)>();
        foreach (var recorder in recorders)
        {
            var notBefore = recorder.NotBeforeUs;
            foreach (var file in recorder.FilesToFlush())
            {
                snapshots.Add(file.Snapshot(notBefore));
            }

            if (recorder.TakeGapReasonChange(out var reason))
            {
                reasons.Add((recorder.Key, reason));
                changedReasons.Add((recorder, reason));
            }
        }

        if (snapshots.Count == 0 && reasons.Count == 0)
        {
            return 0;
        }

        try
        {
            foreach (var snapshot in snapshots)
            {
                if (snapshot.File.RowId == 0)
                {
                    foreach (var folder in snapshot.File.DirectoriesToSync)
                    {
                        DirectorySync.Sync(folder);
                    }
                }

                snapshot.File.SyncToDisk(snapshot);
            }

            await index.CommitAsync(snapshots, reasons);
        }
        catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            if (!failing)
            {
                logger.LogError("The recordings index could not be updated (tried again every second): {Message}", ex.Message);
            }

            failing = true;
            Failure = ex.Message;
            foreach (var (recorder, reason) in changedReasons)
            {
                recorder.RestoreGapReasonChange(reason);
            }

            return null;
        }

        if (failing)
        {
            logger.LogInformation("The recordings index is being updated again.");
            failing = false;
        }

        Failure = null;

        long grown = 0;
        foreach (var snapshot in snapshots)
        {
            grown += snapshot.File.Committed(snapshot);
        }

        foreach (var recorder in recorders)
        {
            recorder.ReleaseDone();
        }

        return grown;
    }
}
