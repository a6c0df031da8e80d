using Microsoft.Extensions.Options;
using Nightjar.Recording;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// What <c>/healthz</c> and the health alerts say about storage while running: a storage failure a request met in the
/// last minute, a data-folder disk with almost no room left (SQLite needs some to commit anything), or a recordings
/// index the engine has not been able to write for a while.
/// </summary>
public sealed class StorageHealth(IOptions<RecorderOptions> options, RecordingEngine engine, TimeProvider clock)
{
    public const long MinimumFreeBytes = 4 * 1024 * 1024;
    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(1);
    private readonly Lock gate = new();
    private (DateTimeOffset At, StorageFault.Kind Kind)? lastFault;

    public void Failed(StorageFault.Kind kind)
    {
        lock (gate)
        {
            lastFault = (clock.GetUtcNow(), kind);
        }
    }

    /// <summary>The storage problem now, in a phrase, or null when storage is fine.</summary>
    public string? Problem() => DataFolderProblem() ?? engine.IndexProblem;

    private string? DataFolderProblem()
    {
        try
        {
            if (DiskSpace.FreeBytesOf(options.Value.DataDirFullPath) < MinimumFreeBytes)
            {
                return StorageFault.Describe(StorageFault.Kind.DiskFull);
            }
        }
        catch (IOException)
        {
            return StorageFault.Describe(StorageFault.Kind.NotWritable);
        }

        (DateTimeOffset At, StorageFault.Kind Kind)? fault;
        lock (gate)
        {
            fault = lastFault;
        }

        if (fault is not { } recent || clock.GetUtcNow() - recent.At >= Remembered)
        {
            return null;
        }

        // A request failed on storage moments ago: say so until a real write to the data folder works again.
        if (CanWrite())
        {
            lock (gate)
            {
                lastFault = null;
            }

            return null;
        }

        return StorageFault.Describe(recent.Kind);
    }

    private bool CanWrite()
    {
        var probe = Path.Combine(options.Value.DataDirFullPath, ".storage-probe");
        try
        {
            using (var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough))
            {
                file.Write(new byte[64 * 1024]);
            }

            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(probe);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do on a disk that refuses writes.
            }

            return false;
        }
    }
}
