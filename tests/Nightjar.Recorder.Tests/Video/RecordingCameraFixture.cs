using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>
/// One recorder recording the fake camera (main and sub-stream, a keyframe every second, the wall time drawn into
/// every picture) in 10-second files, set up and running for long enough that its recordings span a file boundary.
/// Shared by tests that only read.
/// </summary>
public sealed class RecordingCameraFixture : IAsyncLifetime
{
    public const string CameraId = "cfg0";

    public FakeCamera Camera { get; private set; } = null!;

    public TestRecorder Recorder { get; private set; } = null!;

    public string Token { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Camera = await FakeCamera.StartAsync(gop: 25, timeCode: true);
        Recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={Camera.Url("main")}",
            $"--Nightjar:Cameras:0:SubStreamUrl={Camera.Url("sub")}", "--Nightjar:Recordings:FileSeconds=10");
        await Recorder.CompleteSetupAsync();
        Token = await VideoConnections.SignInAsync(Recorder);
        var engine = Recorder.Get<RecordingEngine>();
        var main = new StreamKey(CameraId, StreamKind.Main);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var now = TimeProvider.System.GetUtcNow();
            var timeline = await engine.GetTimelineAsync(main, now.AddHours(-1), now);
            var files = await engine.Index.GetRecordingsAsync(main, now.AddHours(-1), now);
            if (files.Count >= 2 && timeline.Spans.Sum(s => (s.End - s.Start).TotalSeconds) >= 14)
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "The camera was not recorded across a file boundary within a minute.");
            await Task.Delay(500);
        }
    }

    public async Task DisposeAsync()
    {
        await Recorder.DisposeAsync();
        await Camera.DisposeAsync();
    }
}
