using System.Diagnostics;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Ingest;

/// <summary>
/// A real full disk: the recordings folder on a 6 MB tmpfs that something else fills. Recording says why it stopped,
/// nothing crashes, what was written stays playable, and recording resumes by itself once there is room. Mounting
/// needs root (as CI runs); elsewhere the test is reported as skipped.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private readonly string mount = Path.Combine(Path.GetTempPath(), "nightjar-full-" + Guid.NewGuid().ToString("N"));
    private bool mounted;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(mount);
        mounted = Environment.UserName == "root" && await RunAsync("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount) == 0;
    }

    public async Task DisposeAsync()
    {
        if (mounted)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // pooled connections keep the index open
            await RunAsync("umount", mount);
        }

        Directory.Delete(mount, recursive: true);
    }

    [SkippableFact]
    public async Task WhenTheDiskFills_RecordingSaysSo_KeepsWhatItWrote_AndResumesByItselfWhenThereIsRoom()
    {
        Skip.IfNot(mounted, "Needs root, to mount a small tmpfs as a disk that can fill up.");
        await using var camera = await FakeCamera.StartAsync(mainKbps: 2000);
        var log = new CapturedLog();
        var recordings = Path.Combine(mount, "recordings");
        await using var engine = await RecordingEngine.StartAsync(new RecordingOptions { Dir = recordings, MinFreeBytes = 0 }, TimeProvider.System, log);
        var main = new StreamKey("cam1", StreamKind.Main);
        await engine.ApplyAsync([new CameraSource("cam1", "Porch", new StreamEndpoint(camera.Url("main"), "", ""), null)]);
        await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(15), "recording");

        // Something else takes the rest of the disk, leaving a few hundred kilobytes.
        var junk = Path.Combine(mount, "junk.bin");
        var free = new DriveInfo(mount).AvailableFreeSpace;
        Assert.Equal(0, await RunAsync("fallocate", "-l", (free - 300_000).ToString(System.Globalization.CultureInfo.InvariantCulture), junk));
        var full = await Eventually.StateAsync(engine, main, s => s.State == StreamState.Offline, TimeSpan.FromSeconds(20), "offline on a full disk");
        Assert.Equal("the recordings disk is full", full.Problem);

        File.Delete(junk);
        await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(20), "recording again");
        await Task.Delay(2500);
        await engine.StopAsync("test over");

        var all = await engine.Index.GetAllRecordingsAsync();
        Assert.True(all.Count >= 2, "a file before the disk filled, and one after");
        Assert.Equal("the recordings disk was full or failing", all[^1].GapReason);
        foreach (var recording in all)
        {
            var path = Path.Combine(recordings, recording.Path);
            Assert.Equal(recording.Bytes, new FileInfo(path).Length);
            Assert.Equal("", (await Ffprobe.ProbeAsync(path)).Errors.Trim());
        }

        Assert.Contains(log.Messages(), m => m.Contains("cannot write to the recordings folder", StringComparison.Ordinal));
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
