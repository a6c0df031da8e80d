using Nightjar.Recording;

namespace Nightjar.TestSupport;

/// <summary>
/// A recorder that has recorded the fake camera (main and sub-stream, a keyframe every second, its wall time drawn
/// into every picture) for half a minute in files of ten seconds, so playback and downloads have boundaries to cross.
/// For fixtures shared by tests that only read. Its USB folder (<see cref="UsbFolder"/>) is its own, for a test to mount a
/// stick in.
/// </summary>
public sealed class RecordedCamera : IAsyncDisposable
{
    public const string CameraId = "cfg0";

    private RecordedCamera(FakeCamera camera, TestRecorder recorder, string usbFolder)
    {
        Camera = camera;
        Recorder = recorder;
        UsbFolder = usbFolder;
    }

    public FakeCamera Camera { get; }

    public TestRecorder Recorder { get; }

    /// <summary>Where the recorder looks for USB sticks (<c>Nightjar:Exports:UsbFolder</c>).</summary>
    public string UsbFolder { get; }

    public static async Task<RecordedCamera> StartAsync()
    {
        var camera = await FakeCamera.StartAsync(gop: 25, timeCode: true);
        var usbFolder = Path.Combine(Path.GetTempPath(), "nightjar-media-" + Guid.NewGuid().ToString("N"));
        var recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}",
            $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}", "--Nightjar:Recordings:FileSeconds=10",
            $"--Nightjar:Exports:UsbFolder={usbFolder}");
        var recorded = new RecordedCamera(camera, recorder, usbFolder);
        await recorder.CompleteSetupAsync();
        var engine = recorder.Get<RecordingEngine>();
        var main = new StreamKey(CameraId, StreamKind.Main);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var now = TimeProvider.System.GetUtcNow();
            var timeline = await engine.GetTimelineAsync(main, now.AddHours(-1), now);
            var files = await engine.Index.GetRecordingsAsync(main, now.AddHours(-1), now);
            if (files.Count >= 2 && timeline.Spans.Sum(s => (s.End - s.Start).TotalSeconds) >= 32)
            {
                return recorded;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(90))
            {
                await recorded.DisposeAsync();
                throw new TimeoutException("The camera was not recorded for half a minute within 90 s.");
            }

            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Recorder.DisposeAsync();
        await Camera.DisposeAsync();
        if (Directory.Exists(UsbFolder))
        {
            Directory.Delete(UsbFolder, recursive: true);
        }
    }
}
