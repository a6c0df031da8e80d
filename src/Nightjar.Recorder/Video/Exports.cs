using System.Globalization;
using Nightjar.Recorder.Hosting;
using Nightjar.Recording;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Export: a From/To range of a camera written as one MP4 file into the exports folder (<c>exports</c> in the data
/// folder), copied from the recordings without transcoding. One export runs at a time; the console shows its progress.
/// </summary>
public sealed class Exports(RecordingEngine engine, Microsoft.Extensions.Options.IOptions<RecorderOptions> options, ILogger<Exports> logger) : IDisposable
{
    private readonly object gate = new();
    private readonly List<ExportJob> jobs = [];
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private long nextId;

    public string Folder { get; } = Path.Combine(options.Value.DataDirFullPath, "exports");

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

    /// <summary>Starts exporting; returns the job at once, or a message when nothing was recorded in the range.</summary>
    public async Task<(ExportJob? Job, string? Error)> StartAsync(StreamKey stream, string cameraName, DateTimeOffset from, DateTimeOffset to)
    {
        var excerpt = await engine.ExcerptAsync(stream, from, to);
        if (excerpt is null)
        {
            return (null, "Nothing was recorded from this camera in that time.");
        }

        var safeName = string.Concat(cameraName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');
        var fileName = string.Create(CultureInfo.InvariantCulture,
            $"{(safeName.Length == 0 ? stream.CameraId : safeName)}_{excerpt.Start.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}_{excerpt.End.UtcDateTime:HHmmss'Z'}.mp4");
        ExportJob job;
        lock (gate)
        {
            job = new ExportJob(++nextId, cameraName, excerpt.Start, excerpt.End, fileName, 0, excerpt.Length, false, null);
            jobs.Add(job);
        }

        Changed?.Invoke();
        _ = Task.Run(() => WriteAsync(job, excerpt));
        return (job, null);
    }

    private async Task WriteAsync(ExportJob job, Recording.Playback.RecordingExcerpt excerpt)
    {
        await oneAtATime.WaitAsync();
        var temporary = Path.Combine(Folder, job.FileName + ".partial");
        try
        {
            DataFolder.CreatePrivate(Folder);
            await using (var source = excerpt.Open(engine.Layout))
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
            Update(job with { Finished = true, Error = ex is IOException && ex.Message.Contains("space", StringComparison.OrdinalIgnoreCase) ? "The disk is full." : ex.Message });
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
