using System.Net.Http.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Tests.Video;
using Nightjar.Recording;
using Nightjar.Recording.Mp4;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Recordings;

/// <summary>
/// The fake camera over RTSP with the limit on time without a keyframe set to 3 s through its configuration key: a
/// camera that sends one keyframe and then none (x264's key-int-max far beyond the run) has its file ended and is
/// connected again, with the reason on the API and the Cameras screen, and holds no file or live picture longer than
/// the limit; a camera with a keyframe every 2 s is never restarted.
/// </summary>
public sealed class CameraWithoutKeyframesTests
{
    private const int LimitSeconds = 3;
    private static readonly StreamKey Main = new("cfg0", StreamKind.Main);

    /// <summary>A frame at 25 fps, and the time the camera's clock and ffmpeg's rounding may add to a file's end.</summary>
    private static readonly long Margin = MediaFragment.Timebase / 25 * 2;

    private static Task<TestRecorder> StartRecorderAsync(FakeCamera camera) =>
        TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Gate", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}",
            $"--Nightjar:Recordings:MaxKeyframeSeconds={LimitSeconds}");

    [Fact]
    public async Task ACameraThatSendsOneKeyframeAndThenNone_HasItsFileEndedAndIsConnectedAgain_SayingWhy()
    {
        await using var camera = await FakeCamera.StartAsync(gop: 100_000);
        await using var recorder = await StartRecorderAsync(camera);
        await recorder.CompleteSetupAsync();
        var token = await VideoConnections.SignInAsync(recorder);
        using var api = recorder.CreateApiClient();
        var engine = recorder.Get<RecordingEngine>();
        var started = TimeProvider.System.GetUtcNow();

        // Watch the stream for two restarts: the state on the way, and what the live feed holds for a new viewer.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var mostHeld = 0L;
        DateTimeOffset? firstEndSeen = null;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<Recording.Storage.RecordingSummary> files = [];
        while (files.Count(f => !f.Open) < 2)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"Two files did not end within 60 s (states seen: {string.Join(" | ", seen)}).");
            if (engine.Status(Main) is { } status)
            {
                seen.Add(status.Text);
            }

            if (engine.Live(Main)?.SinceKeyframe() is { } held)
            {
                mostHeld = Math.Max(mostHeld, held.Fragments[^1].DecodeTime + held.Fragments[^1].VideoDuration - held.Fragments[0].DecodeTime);
            }

            await Task.Delay(50);
            files = await engine.Index.GetRecordingsAsync(Main, started.AddMinutes(-1), TimeProvider.System.GetUtcNow().AddMinutes(1));
            if (firstEndSeen is null && files.Count > 0 && !files[0].Open)
            {
                firstEndSeen = TimeProvider.System.GetUtcNow();
            }
        }

        var reason = $"no keyframe from the camera for {LimitSeconds} s";
        Assert.Contains($"Offline: {reason}", seen);
        Assert.Contains($"Recording (restarted after {reason})", seen);
        Assert.InRange(mostHeld, 1, (LimitSeconds * MediaFragment.Timebase) + Margin);

        // Each file ends within the limit of the camera's time after its one keyframe (the open one too has not grown past
        // it), and the next says why it began.
        Assert.All(files, f => Assert.InRange(f.MediaDuration, 0, (LimitSeconds * MediaFragment.Timebase) + Margin));
        foreach (var file in files.Where(f => !f.Open))
        {
            Assert.InRange(file.MediaDuration, (LimitSeconds * MediaFragment.Timebase) - (4 * Margin), (LimitSeconds * MediaFragment.Timebase) + Margin);
            Assert.InRange(file.End - file.Start, TimeSpan.FromSeconds(LimitSeconds - 1), TimeSpan.FromSeconds(LimitSeconds + 1));
        }

        Assert.All(files.Skip(1), f => Assert.Equal(reason, f.GapReason));

        // And it ended then, not later: within the limit and a margin for the index's commit (once a second) and a busy box.
        Assert.InRange(firstEndSeen!.Value - files[0].Start, TimeSpan.FromSeconds(LimitSeconds), TimeSpan.FromSeconds(LimitSeconds + 3));

        // The app's camera list says it too: offline with the reason, or recording again with the note.
        using var request = VideoConnections.Get("/api/v1/cameras", token);
        var listed = Assert.Single((await (await api.SendAsync(request)).Content.ReadFromJsonAsync<List<CameraInfo>>())!);
        Assert.Contains(listed.Problem, new[] { reason, $"restarted after {reason}" });
    }

    [Fact]
    public async Task ACameraWithAKeyframeEveryTwoSeconds_IsNeverRestarted()
    {
        await using var camera = await FakeCamera.StartAsync(gop: 50);
        await using var recorder = await StartRecorderAsync(camera);
        var engine = recorder.Get<RecordingEngine>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (engine.Status(Main)?.State != StreamState.Recording)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The camera did not start recording.");
            await Task.Delay(50);
        }

        var started = TimeProvider.System.GetUtcNow();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (TimeProvider.System.GetUtcNow() - started < TimeSpan.FromSeconds(10))
        {
            seen.Add(engine.Status(Main)!.Text);
            await Task.Delay(50);
        }

        Assert.Equal(["Recording"], seen);
        var files = await engine.Index.GetRecordingsAsync(Main, started.AddMinutes(-1), TimeProvider.System.GetUtcNow().AddMinutes(1));
        Assert.Single(files);
    }
}
