using Nightjar.Recording.Storage;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Ingest;

/// <summary>The engine against the project's fake camera over real RTSP, with Debian's ffmpeg and ffprobe.</summary>
[Collection(RunsAlone.Name)]
public sealed class FakeCameraRecordingTests : IAsyncLifetime
{
    private readonly TemporaryFolder folder = new();
    private readonly CapturedLog log = new();
    private FakeCamera camera = null!;

    public async Task InitializeAsync() => camera = await FakeCamera.StartAsync();

    public async Task DisposeAsync()
    {
        await camera.DisposeAsync();
        folder.Dispose();
    }

    private Task<RecordingEngine> StartEngineAsync(TimeSpan? filePeriod = null) =>
        RecordingEngine.StartAsync(
            new RecordingEngineOptions { Dir = folder.Path, FilePeriod = filePeriod ?? TimeSpan.FromMinutes(1) }, TimeProvider.System, log);

    private CameraSource Camera(string id = "cam1") =>
        new(id, "Front door", new StreamEndpoint(camera.Url("main"), "", ""), new StreamEndpoint(camera.Url("sub"), "", ""));

    [Fact]
    public async Task MainAndSubStream_AreRecorded_IntoFilesThatFfprobeReadsWhole_EachStartingAtTimeZero()
    {
        var started = TimeProvider.System.GetUtcNow();
        // Files of 2 s, so most begin in the middle of the camera's run.
        await using (var engine = await StartEngineAsync(TimeSpan.FromSeconds(2)))
        {
            await engine.ApplyAsync([Camera()]);
            var main = new StreamKey("cam1", StreamKind.Main);
            var status = await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(15), "main stream recording");
            Assert.Equal("H.264 Constrained Baseline", status.Facts?.Codec);
            Assert.Equal((640, 360), (status.Facts!.Width, status.Facts.Height));
            await Task.Delay(TimeSpan.FromSeconds(6));
        }

        var recordings = await ReadIndexAsync();
        foreach (var kind in new[] { StreamKind.Main, StreamKind.Sub })
        {
            var files = recordings.Where(r => r.Stream.Kind == kind).ToList();
            Assert.True(files.Count >= 2, $"{kind}: {files.Count} files");
            foreach (var file in files)
            {
                Assert.False(file.Open);
                var path = Path.Combine(folder.Path, file.Path);
                Assert.Equal(file.Bytes, new FileInfo(path).Length);
                var report = await Ffprobe.ProbeAsync(path);
                Assert.Equal("", report.Errors.Trim());
                var video = Assert.Single(report.Streams);
                Assert.Equal("h264", video.CodecName);
                Assert.Equal(kind == StreamKind.Main ? 640 : 320, video.Width);

                // Every frame the index counts is in the file, decodable, in order, with no hole.
                var seconds = file.MediaDuration / 90_000.0;
                Assert.InRange(video.Frames, seconds * 25 * 0.98, (seconds * 25 * 1.02) + 1);
                Assert.True(report.VideoPackets[0].IsKeyframe);

                // A file is a file of its own: its time starts at 0, so a player shows its length, not its place in the run.
                Assert.InRange(report.VideoPackets[0].DtsTime, 0, 0.001);
                Assert.InRange(report.VideoPackets[^1].DtsTime, seconds - 0.1, seconds);
                for (var i = 1; i < report.VideoPackets.Count; i++)
                {
                    var step = report.VideoPackets[i].Dts - report.VideoPackets[i - 1].Dts;
                    Assert.InRange(step, 1, 3600 * 3 / 2);
                }

                Assert.InRange(file.Start, started.AddSeconds(-1), TimeProvider.System.GetUtcNow());
            }
        }
    }

    [Fact]
    public async Task ACameraThatDies_IsOfflineWithTheReason_AndItsReturnStartsANewFileWithinTwoSeconds()
    {
        await using var engine = await StartEngineAsync();
        await engine.ApplyAsync([Camera() with { Sub = null }]);
        var main = new StreamKey("cam1", StreamKind.Main);
        await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(15), "recording");

        await camera.KillAsync();
        var offline = await Eventually.StateAsync(engine, main, s => s.State == StreamState.Offline, TimeSpan.FromSeconds(6), "offline");
        Assert.Contains(offline.Problem, new[] { "camera ended the stream", "camera unreachable" });
        await Eventually.StateAsync(engine, main, s => s.Problem == "camera unreachable", TimeSpan.FromSeconds(5), "unreachable while it is down");
        await Task.Delay(TimeSpan.FromSeconds(3));

        var before = Directory.GetFiles(folder.Path, "*.mp4", SearchOption.AllDirectories).ToHashSet();
        await camera.RestartAsync();
        var back = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.ReturnsAsync(
            () => Task.FromResult(Directory.GetFiles(folder.Path, "*.mp4", SearchOption.AllDirectories).FirstOrDefault(f => !before.Contains(f))),
            TimeSpan.FromSeconds(10), "a new file after the camera came back");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(2), $"The first file after the camera's return took {back.Elapsed.TotalMilliseconds:0} ms.");
        await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(5), "recording again");

        await Task.Delay(1500); // the new file's first index commit
        var now = TimeProvider.System.GetUtcNow();
        var timeline = await engine.GetTimelineAsync(main, now.AddMinutes(-5), now);
        var gap = Assert.Single(timeline.Gaps);
        Assert.Contains(gap.Reason, new[] { "camera ended the stream", "camera unreachable" });
        Assert.InRange(gap.Duration, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ACameraThatHangs_IsDetectedWithinFiveSeconds_AndRecordsAgainWhenItWakes()
    {
        await using var engine = await StartEngineAsync();
        await engine.ApplyAsync([Camera() with { Sub = null }]);
        var main = new StreamKey("cam1", StreamKind.Main);
        await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(15), "recording");

        camera.Pause();
        var paused = System.Diagnostics.Stopwatch.StartNew();
        var stalled = await Eventually.StateAsync(engine, main, s => s.State == StreamState.Offline, TimeSpan.FromSeconds(8), "the stall noticed");
        Assert.True(paused.Elapsed < TimeSpan.FromSeconds(5), $"The stall was noticed after {paused.Elapsed.TotalMilliseconds:0} ms.");
        Assert.Equal("camera stopped sending video", stalled.Problem);

        camera.Resume();
        await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(30), "recording after the camera woke");
    }

    [Fact]
    public async Task EveryKindOfCameraTrouble_IsSaidPlainly_AndWhatCanBeRecordedIs()
    {
        await using var locked = await FakeCamera.StartAsync(user: "viewer", password: "p@ss word:7");
        using var notRtsp = new NotAnRtspServer();
        const string secret = "wrong-but-secret-9";
        await using var engine = await StartEngineAsync();
        CameraSource Source(string id, Uri url, string user = "", string password = "") => new(id, id, new StreamEndpoint(url, user, password), null);
        await engine.ApplyAsync(
        [
            Source("wrong-password", locked.Url("main"), "viewer", secret),
            Source("right-password", locked.Url("main"), "viewer", "p@ss word:7"),
            Source("no-such-stream", camera.Url("nope")),
            Source("unreachable", new Uri($"rtsp://127.0.0.1:{FreePort.Next()}/main")),
            Source("not-rtsp", new Uri($"rtsp://127.0.0.1:{notRtsp.Port}/main")),
            Source("mjpeg", camera.Url("mjpeg")),
            Source("g711", camera.Url("g711")),
            Source("aac", camera.Url("audio")),
            Source("h265", camera.Url("h265")),
        ]);

        async Task<StreamStatus> Settled(string id, Func<StreamStatus, bool> condition) =>
            await Eventually.StateAsync(engine, new StreamKey(id, StreamKind.Main), condition, TimeSpan.FromSeconds(30), id);

        Assert.Equal("wrong user name or password", (await Settled("wrong-password", s => s.State == StreamState.Offline)).Problem);
        Assert.Equal("stream not found", (await Settled("no-such-stream", s => s.State == StreamState.Offline)).Problem);
        Assert.Equal("camera unreachable", (await Settled("unreachable", s => s.State == StreamState.Offline)).Problem);
        Assert.StartsWith("not an RTSP URL", (await Settled("not-rtsp", s => s.State == StreamState.Offline)).Problem, StringComparison.Ordinal);
        Assert.Equal("codec not supported (Motion JPEG; Nightjar records H.264 and H.265)", (await Settled("mjpeg", s => s.State == StreamState.Offline)).Problem);
        await Settled("right-password", s => s.State == StreamState.Recording);
        var g711 = await Settled("g711", s => s.State == StreamState.Recording);
        Assert.Equal(("G.711 A-law audio cannot be stored in MP4", false), (g711.Facts?.Audio, g711.Facts!.AudioRecorded));
        var aac = await Settled("aac", s => s.State == StreamState.Recording);
        Assert.Equal(("AAC", true), (aac.Facts?.Audio, aac.Facts!.AudioRecorded));
        Assert.Equal("H.265 Main", (await Settled("h265", s => s.State == StreamState.Recording)).Facts?.Codec);
        await Task.Delay(1500);
        await engine.StopAsync("test over");

        var recordings = await ReadIndexAsync();
        async Task<IReadOnlyList<string>> CodecsOf(string id) =>
            await Ffprobe.CodecsAsync(Path.Combine(folder.Path, recordings.First(r => r.Stream.CameraId == id).Path));
        Assert.Equal(["h264"], await CodecsOf("g711"));
        Assert.Equal(["h264", "aac"], await CodecsOf("aac"));
        Assert.Equal(["hevc"], await CodecsOf("h265"));

        // The camera password never reaches the log, the index or a file name.
        Assert.DoesNotContain(log.Messages(), m => m.Contains(secret, StringComparison.Ordinal) || m.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal));
        foreach (var file in Directory.GetFiles(folder.Path, "recordings.db*"))
        {
            Assert.DoesNotContain(secret, System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Test_ReportsCodecResolutionFrameRateAndBitrate_OrWhyItCannotRecord()
    {
        await using var engine = await StartEngineAsync();

        var good = await engine.ProbeAsync(new StreamEndpoint(camera.Url("main"), "", ""), CancellationToken.None);
        Assert.True(good.Succeeded, good.Problem?.Text);
        Assert.Equal(("H.264 Constrained Baseline", 640, 360), (good.Facts!.Codec, good.Facts.Width, good.Facts.Height));
        Assert.InRange(good.Facts.FrameRate, 24, 26);
        Assert.InRange(good.Facts.BitsPerSecond, 300_000, 3_000_000); // the camera aims at 1 Mbit/s

        var missing = await engine.ProbeAsync(new StreamEndpoint(camera.Url("nope"), "", ""), CancellationToken.None);
        Assert.Equal("stream not found", missing.Problem?.Text);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.mp4", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task EvenAUrlThatGotPastTheConsole_CannotMakeFfmpegReadAFile_OrAShellRunACommand()
    {
        var marker = Path.Combine(Path.GetTempPath(), "nightjar-pwned-" + Guid.NewGuid().ToString("N"));
        await using var engine = await StartEngineAsync();
        await engine.ApplyAsync(
        [
            new CameraSource("file", "file", new StreamEndpoint(new Uri("file:///etc/hostname"), "", ""), null),
            new CameraSource("shell", "shell", new StreamEndpoint(new Uri($"rtsp://127.0.0.1:1/$(touch$IFS{marker})"), "", ""), null),
        ]);

        foreach (var id in new[] { "file", "shell" })
        {
            var status = await Eventually.StateAsync(engine, new StreamKey(id, StreamKind.Main), s => s.State == StreamState.Offline, TimeSpan.FromSeconds(10), id);
            Assert.NotNull(status.Problem);
        }

        await Task.Delay(500);
        Assert.False(File.Exists(marker));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.mp4", SearchOption.AllDirectories));
    }

    private async Task<IReadOnlyList<RecordingSummary>> ReadIndexAsync()
    {
        var index = await RecordingIndex.OpenAsync(Path.Combine(folder.Path, "recordings.db"));
        return await index.GetAllRecordingsAsync();
    }
}
