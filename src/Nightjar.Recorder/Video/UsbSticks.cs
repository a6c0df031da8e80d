using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Taking an export off the box on a USB stick, as every consumer recorder offers: the system mounts a stick under the
/// USB folder (docs/operations.md, "USB sticks"); the recorder lists what is mounted there and copies an export into a
/// <c>Nightjar</c> folder on it, flushed to the stick (bytes and name) before it says the stick can be taken out. The
/// recorder never mounts anything itself. One copy at a time: a stick is slow, and two would only share its speed.
/// </summary>
public sealed class UsbSticks(string usbFolder, Exports exports, ILogger<UsbSticks> logger) : IDisposable
{
    /// <summary>The folder made on a stick for the exports copied to it.</summary>
    public const string FolderOnStick = "Nightjar";

    /// <summary>FAT32 (Linux's vfat) holds no file of 4 GiB or more.</summary>
    private const long FatLargestFile = (4L << 30) - 1;

    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    public string UsbFolder => usbFolder;

    /// <summary>The sticks mounted under the USB folder now (any depth: udisks mounts at /media/&lt;user&gt;/&lt;label&gt;).</summary>
    public IReadOnlyList<UsbStick> Find()
    {
        var root = usbFolder.TrimEnd('/') + "/";
        var sticks = new List<UsbStick>();
        foreach (var (mountPoint, fileSystem, _) in DiskSpace.Mounts())
        {
            if (!mountPoint.StartsWith(root, StringComparison.Ordinal) || sticks.Any(s => s.MountPoint == mountPoint))
            {
                continue;
            }

            try
            {
                sticks.Add(new UsbStick(Path.GetFileName(mountPoint), mountPoint, fileSystem, DiskSpace.FreeBytesOf(mountPoint)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Taken out while looked at, or not ours to look into: not offered.
            }
        }

        return sticks;
    }

    /// <summary>
    /// Copies the finished export named <paramref name="exportName"/> (looked up in the listing, never joined into a path
    /// as given) to the stick mounted at <paramref name="mountPoint"/> (one of <see cref="Find"/>'s).
    /// </summary>
    public async Task<UsbCopyResult> CopyAsync(string exportName, string mountPoint, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (exports.List().FirstOrDefault(e => string.Equals(e.Name, exportName, StringComparison.Ordinal)) is not { } export)
        {
            return new UsbCopyResult(false, "This export no longer exists.");
        }

        if (Find().FirstOrDefault(s => string.Equals(s.MountPoint, mountPoint, StringComparison.Ordinal)) is not { } stick)
        {
            return new UsbCopyResult(false, "The USB stick is no longer there.");
        }

        if (stick.FileSystem is "vfat" or "msdos" && export.Bytes > FatLargestFile)
        {
            return new UsbCopyResult(false,
                $"{stick.Name} is formatted FAT32, which holds no file of 4 GiB or more; this export is {ExportsRoom.Size(export.Bytes)}. Use a stick formatted exFAT.");
        }

        if (stick.FreeBytes < export.Bytes)
        {
            return new UsbCopyResult(false,
                $"{stick.Name} has {ExportsRoom.Size(stick.FreeBytes)} free, and this export needs {ExportsRoom.Size(export.Bytes)}.");
        }

        if (!await oneAtATime.WaitAsync(0, CancellationToken.None))
        {
            return new UsbCopyResult(false, "Another export is being copied to a USB stick; copy this one when it is done.");
        }

        var folder = Path.Combine(stick.MountPoint, FolderOnStick);
        var target = Path.Combine(folder, export.Name);
        var partial = target + ".partial";
        try
        {
            // A stick is anybody's: a link on it (to the recorder's own data, say) must never be written through.
            Directory.CreateDirectory(folder);
            if (new DirectoryInfo(folder).LinkTarget is not null)
            {
                return new UsbCopyResult(false, $"Not copied to {stick.Name}: its {FolderOnStick} folder is a link, which the recorder does not follow.");
            }

            File.Delete(partial); // left by a copy that was cut off; a link is removed, never followed
            await using (var source = new FileStream(Path.Combine(exports.Folder, export.Name), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true))
            await using (var copy = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 20];
                long done = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await copy.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    done += read;
                    progress?.Report(done / (double)Math.Max(1, export.Bytes));
                }

                copy.Flush(flushToDisk: true);
            }

            File.Move(partial, target, overwrite: true); // rename: replaces a link of that name, never writes through it
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException or ArgumentOutOfRangeException)
        {
            TryDelete(partial);
            logger.LogWarning(ex, "Export {Export} was not copied to the USB stick at {MountPoint}.", export.Name, stick.MountPoint);
            return new UsbCopyResult(false, $"Not copied to {stick.Name}: {Why(ex, stick)}");
        }
        finally
        {
            oneAtATime.Release();
        }

        try
        {
            DirectorySync.Sync(folder);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "The folder of export {Export} on the USB stick at {MountPoint} was not flushed.", export.Name, stick.MountPoint);
            return new UsbCopyResult(true, $"Copied to {stick.Name} ({FolderOnStick}/{export.Name}), but the stick did not confirm it: wait a minute before taking it out.");
        }

        logger.LogInformation("Export {Export} copied to the USB stick at {MountPoint}.", export.Name, stick.MountPoint);
        return new UsbCopyResult(true, $"Copied to {stick.Name} ({FolderOnStick}/{export.Name}). The stick can be taken out.");
    }

    // errno values .NET gives an IOException as its HResult on Linux (EFBIG comes as ArgumentOutOfRangeException).
    private const int NoSpace = 28; // ENOSPC
    private const int ReadOnlyFileSystem = 30; // EROFS

    private static string Why(Exception ex, UsbStick stick) => ex switch
    {
        OperationCanceledException => "the copy was stopped.",
        UnauthorizedAccessException => "the recorder may not write on it (it is mounted for another user, or read-only).",
        _ when !DiskSpace.Mounts().Any(m => m.MountPoint == stick.MountPoint) => "the stick was taken out.",
        IOException { HResult: ReadOnlyFileSystem } => "the stick is read-only (its lock switch, or it was mounted read-only).",
        IOException { HResult: NoSpace } => "the stick is full.",
        ArgumentOutOfRangeException => "the stick's file system holds no file this large. Use a stick formatted exFAT.",
        _ => $"the stick could not be written ({ex.Message}).",
    };

    public void Dispose() => oneAtATime.Dispose();

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stick taken out takes the partial file with it.
        }
    }
}
