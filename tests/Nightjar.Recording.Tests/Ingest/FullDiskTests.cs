using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Ingest;

/// <summary>
/// A real full disk: the recordings folder on a 6 MB tmpfs that something else fills. Recording says why it stopped,
/// nothing crashes, what was written stays playable, and recording resumes by itself once there is room. Mounting
/// needs root (as CI runs); elsewhere the test is reported as skipped.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private TinyDisk disk = null!;

    public async Task InitializeAsync() => disk = await TinyDisk.MountAsync(megabytes: 6);

    public async Task DisposeAsync() => await disk.DisposeAsync();

    [SkippableFact]
    public async Task WhenTheDiskFills_RecordingSaysSo_KeepsWhatItWrote_AndResumesByItselfWhenThereIsRoom()
    {
        Skip.IfNot(disk.Mounted, TinyDisk.NeedsRoot);
        await using var camera = await FakeCamera.StartAsync(mainKbps: 2000);
        var log = new CapturedLog();
        var recordings = Path.Combine(disk.Path, "recordings");
        await using var engine = await RecordingEngine.StartAsync(new RecordingEngineOptions { Dir = recordings, MinFreeBytes = 0 }, TimeProvider.System, log);
        var main = new StreamKey("cam1", StreamKind.Main);
        await engine.ApplyAsync([new CameraSource("cam1", "Porch", new StreamEndpoint(camera.Url("main"), "", ""), null)]);
        await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(15), "recording");

        // Something else takes the rest of the disk, leaving a few hundred kilobytes.
        var junk = await disk.FillAsync(leaveBytes: 300_000);
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
}
