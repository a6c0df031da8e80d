using System.Globalization;
using Nightjar.Contracts;
using Nightjar.Recorder.Hosting;
using Nightjar.Recording;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Export: a From/To range of a camera written as one MP4 file into the exports folder (<c>exports</c> in the data
/// folder), copied from the recordings without transcoding. One export runs at a time; the console shows its progress.
/// Exports have their own bound (<see cref="ExportsRoom"/>): one that would not fit is not written, and the owner
/// deletes what is no longer needed (console or app).
/// </summary>
public sealed class Exports(RecordingEngine engine, ExportsRoom room, ILogger<Exports> logger) : IDisposable
{
    private readonly object gate = new();
    private readonly List<ExportJob> jobs = [];
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private long nextId;

    public string Folder => room.Folder;

    /// <summary>An export started, moved on or ended.</summary>
    public event Action? Changed;

    public IReadOnlyList<ExportJob> Recent
    {
        get
        {
            lock (gate)
            {
                return [.. jobs.AsEnumerable().Reverse().Take(10)];
            }
        }
    }

    /// <summary>
    /// Starts exporting; returns the job at once, or a message when nothing was recorded in the range. A job waiting
    /// behind another holds only what was asked (stream and times): its excerpt is planned when it runs, so queued
    /// exports cost no memory for their length. Its file is named for the range asked.
    /// </summary>
    public async Task<(ExportJob? Job, string? Error)> StartAsync(StreamKey stream, string cameraName, DateTimeOffset from, DateTimeOffset to)
    {
        if (!await engine.Index.HasRecordingsAsync(stream, from, to))
        {
            return (null, NothingRecorded);
        }

        var safeName = string.Concat(cameraName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');
        var fileName = string.Create(CultureInfo.InvariantCulture,
            $"{(safeName.Length == 0 ? stream.CameraId : safeName)}_{from.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}_{to.UtcDateTime:HHmmss'Z'}.mp4");
        ExportJob job;
        lock (gate)
        {
            job = new ExportJob(++nextId, cameraName, from, to, fileName, 0, 0, false, null);
            jobs.Add(job);
        }

        Changed?.Invoke();
        _ = Task.Run(() => WriteAsync(job, stream));
        return (job, null);
    }

    private const string NothingRecorded = "Nothing was recorded from this camera in that time.";

    /// <summary>The finished exports, newest first (a file still being written ends in <c>.partial</c> and is left out).</summary>
    public IReadOnlyList<ExportInfo> List() =>
        !Directory.Exists(Folder)
            ? []
            : [.. new DirectoryInfo(Folder).EnumerateFiles("*.mp4")
                .OrderByDescending(f => f.LastWriteTimeUtc)
                .Select(f => new ExportInfo(f.Name, f.Length, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero)))];

    /// <summary>
    /// Deletes the finished export named <paramref name="name"/>, looked up in the listing (never joined into a path as
    /// given). A download under way reads on to its end: an open file outlives its name.
    /// </summary>
    public ExportDeletion Delete(string name)
    {
        if (List().FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal)) is not { } export)
        {
            return ExportDeletion.NotFound;
        }

        try
        {
            File.Delete(Path.Combine(Folder, export.Name));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not delete export {File}: {Message}", export.Name, ex.Message);
            return ExportDeletion.Failed;
        }

        lock (gate)
        {
            // A job that wrote it would otherwise go on saying where it was written.
            jobs.RemoveAll(j => j.Finished && j.Error is null && string.Equals(j.FileName, export.Name, StringComparison.Ordinal));
        }

        logger.LogInformation("Deleted export {File} ({Bytes} bytes).", export.Name, export.Bytes);
        Changed?.Invoke();
        return ExportDeletion.Deleted;
    }

    /// <summary>The one export that may run now; a test holds it to keep exports waiting.</summary>
    internal SemaphoreSlim Running => oneAtATime;

    private async Task WriteAsync(ExportJob job, StreamKey stream)
    {
        await oneAtATime.WaitAsync();
        var temporary = Path.Combine(Folder, job.FileName + ".partial");
        try
        {
            if (await engine.ExcerptAsync(stream, job.From, job.To) is not { } excerpt)
            {
                Update(job with { Finished = true, Error = NothingRecorded }); // deleted by retention while it waited
                return;
            }

            job = job with { From = excerpt.Start, To = excerpt.End, BytesTotal = excerpt.Length };
            DataFolder.CreatePrivate(Folder);
            // Only one export runs, so any .partial here was left by a crash; it would count against the bound for ever.
            foreach (var left in Directory.EnumerateFiles(Folder, "*.partial"))
            {
                File.Delete(left);
            }

            if (room.Refusal(excerpt.Length) is { } refusal)
            {
                Update(job with { Finished = true, Error = refusal });
                logger.LogInformation("Export {File} not written: {Reason}", job.FileName, refusal);
                return;
            }

            Update(job);
            // Its files are leased while it is written, so retention keeping the quota waits for it; recordings deleted
            // all the same (the disk's floor, the owner's Delete Recordings) end it with the reason in words.
            await using (var source = excerpt.Open())
            await using (var target = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long done = 0;
                var reported = 0L;
                int read;
                while ((read = await source.ReadAsync(buffer)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read));
                    done += read;
                    if (done - reported >= job.BytesTotal / 50)
                    {
                        reported = done;
                        Update(job with { BytesDone = done });
                    }
                }

                await target.FlushAsync();
            }

            File.Move(temporary, Path.Combine(Folder, job.FileName), overwrite: true);
            Update(job with { BytesDone = job.BytesTotal, Finished = true });
            logger.LogInformation("Exported {File} ({Bytes} bytes).", job.FileName, job.BytesTotal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Recording.Mp4.Mp4FormatException)
        {
            File.Delete(temporary);
            var full = ex is IOException and not Recording.Playback.RecordingsDeletedException && ex.Message.Contains("space", StringComparison.OrdinalIgnoreCase);
            Update(job with { Finished = true, Error = full ? "The disk is full." : ex.Message });
            logger.LogWarning("Export {File} failed: {Message}", job.FileName, ex.Message);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose() => oneAtATime.Dispose();

    private void Update(ExportJob job)
    {
        lock (gate)
        {
            var at = jobs.FindIndex(j => j.Id == job.Id);
            if (at >= 0)
            {
                jobs[at] = job;
            }
        }

        Changed?.Invoke();
    }
}
