using System.Diagnostics;
using System.Globalization;

namespace Nightjar.TestSupport;

/// <summary>
/// A small tmpfs mounted as a disk that can fill up (or be read-only), for real full-disk tests. Mounting needs
/// root, as CI runs; elsewhere <see cref="Mounted"/> is false and the test reports itself skipped.
/// </summary>
public sealed class TinyDisk : IAsyncDisposable
{
    private TinyDisk(string path, bool mounted)
    {
        Path = path;
        Mounted = mounted;
    }

    public string Path { get; }

    public bool Mounted { get; }

    public const string NeedsRoot = "Needs root, to mount a small tmpfs as a disk that can fill up.";

    /// <summary>Mounts a disk of <paramref name="megabytes"/> at <paramref name="at"/> (made if missing), or at a new folder in /tmp.</summary>
    public static async Task<TinyDisk> MountAsync(int megabytes, bool readOnly = false, string? at = null)
    {
        var path = at ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nightjar-disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var options = $"size={megabytes}m" + (readOnly ? ",ro" : "");
        var mounted = Environment.UserName == "root" && await RunAsync("mount", "-t", "tmpfs", "-o", options, "tmpfs", path) == 0;
        return new TinyDisk(path, mounted);
    }

    /// <summary>Takes all but <paramref name="leaveBytes"/> of the free space with one file; returns its path.</summary>
    public async Task<string> FillAsync(long leaveBytes)
    {
        var junk = System.IO.Path.Combine(Path, "junk-" + Guid.NewGuid().ToString("N") + ".bin");
        var free = new DriveInfo(Path).AvailableFreeSpace;
        if (await RunAsync("fallocate", "-l", Math.Max(4096, free - leaveBytes).ToString(CultureInfo.InvariantCulture), junk) != 0)
        {
            throw new InvalidOperationException("fallocate could not fill the disk.");
        }

        return junk;
    }

    public async ValueTask DisposeAsync()
    {
        if (Mounted)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // pooled connections keep databases on it open
            await RunAsync("umount", "--lazy", Path);
        }

        Directory.Delete(Path, recursive: true);
    }

    private static async Task<int> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
