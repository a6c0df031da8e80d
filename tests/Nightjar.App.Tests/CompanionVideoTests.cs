using System.Diagnostics;
using Nightjar.Client;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Pairing;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.App.Tests;

/// <summary><c>nightjar-app cameras</c>, <c>snapshot</c>, <c>export</c> and the live stream, against a recorder recording the fake camera.</summary>
public sealed class CompanionVideoTests : IAsyncLifetime
{
    private FakeCamera camera = null!;
    private TestRecorder recorder = null!;
    private string home = null!;
    private DeviceStore store = null!;

    public async Task InitializeAsync()
    {
        camera = await FakeCamera.StartAsync(gop: 25);
        recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Yard", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}");
        await recorder.CompleteSetupAsync();
        home = Path.Combine(Path.GetTempPath(), "nightjar-app-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        store = new DeviceStore(Path.Combine(home, "config"));
        var pairing = (await recorder.Get<PairingAddress>().GetAsync() with { Host = "127.0.0.1" }).ToString();
        Assert.Equal(Exit.Ok, (await RunAsync(TestRecorder.AdminPassword + "\n", "add", pairing, "--name", "home")).Code);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (recorder.Get<RecordingEngine>().Status(new StreamKey("cfg0", StreamKind.Main))?.State != StreamState.Recording)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The camera did not start recording.");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        await camera.DisposeAsync();
        Directory.Delete(home, recursive: true);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(string stdin, params string[] args) => AppRun.RunAsync(store, stdin, args);

    [Fact]
    public async Task Cameras_ListsTheCameraWithItsState()
    {
        var cameras = await RunAsync("", "cameras", "home");
        Assert.Equal(Exit.Ok, cameras.Code);
        Assert.Matches(@"cfg0\tYard\tRecording\tH\.264[^\t]*\t640x360\tsub-stream", cameras.Output);
    }

    [Fact]
    public async Task Snapshot_ByName_WritesAJpeg()
    {
        var file = Path.Combine(home, "yard.jpg");
        var snapshot = await RunAsync("", "snapshot", "home", "yard", "-o", file);
        Assert.Equal(Exit.Ok, snapshot.Code);
        Assert.Equal(["mjpeg"], await Ffprobe.CodecsAsync(file));
    }

    [Fact]
    public async Task Export_WritesTheRangeAsOneMp4_AndATimeWithNothingRecordedSaysSo()
    {
        await Task.Delay(5000);
        var to = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        var file = Path.Combine(home, "yard.mp4");
        var export = await RunAsync("", "export", "home", "Yard", "--from", to.AddSeconds(-3).ToString("O"), "--to", to.ToString("O"), "-o", file);
        Assert.Equal(Exit.Ok, export.Code);
        Assert.InRange(await Ffprobe.DurationAsync(file), 2.9, 4.1); // from the keyframe at or before --from (one a second)
        Assert.False(File.Exists(file + ".partial"));

        var nothing = await RunAsync("", "export", "home", "Yard", "--from", "2020-01-01T10:00:00Z", "--to", "2020-01-01T10:01:00Z", "-o", Path.Combine(home, "old.mp4"));
        Assert.Equal(Exit.NothingFound, nothing.Code);
        Assert.Contains("recorded", nothing.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home, "old.mp4")));
        Assert.False(File.Exists(Path.Combine(home, "old.mp4.partial")));
    }

    [Fact]
    public async Task Exports_ListsWhatTheConsoleExported_DownloadsIt_AndDeletesIt()
    {
        Assert.Equal("", (await RunAsync("", "exports", "home")).Output);
        await Task.Delay(4000);
        var exports = recorder.Get<Nightjar.Recorder.Video.Exports>();
        var now = TimeProvider.System.GetUtcNow();
        var (job, error) = await exports.StartAsync(new StreamKey("cfg0", StreamKind.Main), "Yard", now.AddSeconds(-3), now.AddSeconds(-1));
        Assert.True(job is not null, error);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!exports.Recent.First(j => j.Id == job.Id).Finished)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The export did not finish.");
            await Task.Delay(100);
        }

        var list = await RunAsync("", "exports", "home");
        Assert.Equal(Exit.Ok, list.Code);
        Assert.StartsWith(job.FileName + "\t", list.Output, StringComparison.Ordinal);
        var file = Path.Combine(home, "clip.mp4");
        Assert.Equal(Exit.Ok, (await RunAsync("", "exports", "home", "--download", job.FileName, "-o", file)).Code);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(exports.Folder, job.FileName)), await File.ReadAllBytesAsync(file));

        var missing = await RunAsync("", "exports", "home", "--download", "nope.mp4", "-o", Path.Combine(home, "nope.mp4"));
        Assert.Equal(Exit.NothingFound, missing.Code);
        Assert.False(File.Exists(Path.Combine(home, "nope.mp4")));
        Assert.Equal(Exit.Usage, (await RunAsync("", "exports", "home", "--download", "nope.mp4")).Code);

        Assert.Equal(Exit.Usage, (await RunAsync("", "exports", "home", "--download", job.FileName, "-o", file, "--delete", job.FileName)).Code);
        var deleted = await RunAsync("", "exports", "home", "--delete", job.FileName);
        Assert.Equal((Exit.Ok, $"Deleted {job.FileName} on home."), (deleted.Code, deleted.Output.Trim()));
        Assert.False(File.Exists(Path.Combine(exports.Folder, job.FileName)));
        Assert.Equal("", (await RunAsync("", "exports", "home")).Output);
        var gone = await RunAsync("", "exports", "home", "--delete", job.FileName);
        Assert.Equal(Exit.NothingFound, gone.Code);
        Assert.Contains("There is no export with this name.", gone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCamera_Exits5_AndSaysWhichCamerasThereAre()
    {
        var snapshot = await RunAsync("", "snapshot", "home", "Porch", "-o", Path.Combine(home, "x.jpg"));
        Assert.Equal(Exit.NothingFound, snapshot.Code);
        Assert.Contains("has no camera 'Porch'", snapshot.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLiveStream_IsFragmentedMp4_OfTheChosenStream()
    {
        var device = (await store.FindAsync("home"))!;
        using var client = new RecorderClient(device.Pairing, device.Token);
        using var received = new MemoryStream();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var result = await client.WatchLiveAsync("cfg0", "sub", received, enough.Token);
        Assert.Equal(ClientStatus.Ok, result.Status);
        var file = Path.Combine(home, "live.mp4");
        await File.WriteAllBytesAsync(file, received.ToArray());
        var probe = await Ffprobe.ProbeAsync(file);
        Assert.Equal(320, probe.Streams[0].Width);
        Assert.InRange(probe.Streams[0].Frames, 25, 150);
    }

    [Fact]
    public async Task Live_InTheRealProcess_EndsWith0_WhenItsReaderGoesAway()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "nightjar-app.dll"), "live", "home", "Yard", "--stream", "sub" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NIGHTJAR_APP_HOME"] = Path.Combine(home, "config");
        using var app = Process.Start(start)!;
        var errors = app.StandardError.ReadToEndAsync();
        try
        {
            // `nightjar-app live home Yard | head -c 200000`: the reader takes what it wants and closes the pipe.
            var buffer = new byte[200_000];
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StandardOutput.BaseStream.ReadExactlyAsync(buffer, enough.Token);
            app.StandardOutput.Close();

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await app.WaitForExitAsync(patience.Token);
            Assert.True(app.ExitCode == Exit.Ok, await errors);
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task AfterAPasswordChange_EveryVideoCommandExits3()
    {
        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync("amber-lantern-7305", "test"));
        var live = await RunAsync("", "live", "home", "Yard"); // first: it learns of the change from its own refused socket
        Assert.True(live.Code == Exit.PasswordChanged, live.Error);
        var export = await RunAsync("", "export", "home", "Yard", "--from", "2026-01-01T10:00:00Z", "--to", "2026-01-01T10:01:00Z", "-o", Path.Combine(home, "x.mp4"));
        Assert.Equal(Exit.PasswordChanged, export.Code);
        var snapshot = await RunAsync("", "snapshot", "home", "Yard", "-o", Path.Combine(home, "x.jpg"));
        Assert.True(snapshot.Code == Exit.PasswordChanged, snapshot.Error);
        Assert.Equal(Exit.PasswordChanged, (await RunAsync("", "cameras", "home")).Code);
    }
}
