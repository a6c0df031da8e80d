using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.EndToEnd;

/// <summary>
/// A recorder that has recorded the fake camera (its wall time drawn into every picture) for half a minute, in files of
/// ten seconds, so playback has boundaries to cross.
/// </summary>
public sealed class RecordedCamera : IAsyncLifetime
{
    public FakeCamera Camera { get; private set; } = null!;

    public TestRecorder Recorder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Camera = await FakeCamera.StartAsync(gop: 25, timeCode: true);
        Recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={Camera.Url("main")}",
            $"--Nightjar:Cameras:0:SubStreamUrl={Camera.Url("sub")}", "--Nightjar:Recordings:FileSeconds=10");
        await Recorder.CompleteSetupAsync();
        var engine = Recorder.Get<RecordingEngine>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var now = TimeProvider.System.GetUtcNow();
            var timeline = await engine.GetTimelineAsync(new StreamKey("cfg0", StreamKind.Main), now.AddHours(-1), now);
            if (timeline.Spans.Sum(s => (s.End - s.Start).TotalSeconds) >= 32)
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "The camera was not recorded for half a minute within 90 s.");
            await Task.Delay(500);
        }
    }

    public async Task DisposeAsync()
    {
        await Recorder.DisposeAsync();
        await Camera.DisposeAsync();
    }
}
