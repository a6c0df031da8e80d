using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recording;
using Nightjar.Recording.Detection;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// People and vehicles on the box's CPU: the shipped detector's inference on one thread (the photograph of a person
/// the fake camera walks across, letterboxed as the decoder does it), the time from a person stepping into the picture
/// to the alert of a camera set to "Alert On: People", the CPU detection adds to a camera with motion a tenth of the
/// time (the same camera with the detector's model taken away), and eight cameras with people in them at once: what the
/// box-wide budget runs and drops, and whether any recording lost a second.
/// </summary>
public static class DetectMeasurements
{
    public static async Task RunAsync(BenchReport report, bool quick)
    {
        await InferenceAsync(report, quick ? 100 : 1000);
        await PersonToAlertAsync(report, quick ? 5 : 20);
        await CpuWithPeopleAsync(report, TimeSpan.FromSeconds(quick ? 80 : 240));
        await EightCamerasAsync(report, TimeSpan.FromSeconds(quick ? 30 : 120));
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task InferenceAsync(BenchReport report, int runs)
    {
        using var detector = ObjectDetector.Load(ObjectDetector.ShippedModelPath, shipped: true, out var problem) ?? throw new InvalidOperationException(problem);
        var content = DetectionPicture.Letterbox(detector.Width, detector.Height, 640, 360);
        var bgr = await Ffprobe.RawPictureAsync(await File.ReadAllBytesAsync(TestPictures.Person), "bgr24", F(
            $"scale=-2:{content.Height},pad={content.Width}:{content.Height}:(ow-iw)/2:0:color=0x727272,pad={detector.Width}:{detector.Height}:{content.X}:{content.Y}:color=0x727272"));
        var picture = new DetectionPicture(detector.Width, detector.Height, bgr, content, 0);
        for (var i = 0; i < 20; i++)
        {
            detector.Detect(picture); // warm-up: the first runs allocate and tune
        }

        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            detector.Detect(picture);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var samples = new Samples(times);
        report.Add(F($"object detection of one picture, one thread (YOLOX-Nano 416×416 on ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}, letterboxing to boxes; after 20 warm-up runs)"),
            F($"median {samples.Median:F1} ms, p95 {samples.P95:F1} ms, max {samples.Max:F1} ms (n = {samples.Count})"), "p95 ≤ 25 ms", samples.P95 <= 25);
    }

    /// <summary>The camera's arguments: a 1080p main stream and the scene's 640×360 sub-stream, with what else is given.</summary>
    private static string[] Camera(FakeCamera camera, int index, params string[] more) =>
    [
        $"--Nightjar:Cameras:{index}:Name=Camera {index + 1}", $"--Nightjar:Cameras:{index}:StreamUrl={camera.Url("motion")}",
        $"--Nightjar:Cameras:{index}:SubStreamUrl={camera.Url("motion-sub")}", .. more,
    ];

    private static async Task PersonToAlertAsync(BenchReport report, int crossings)
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var camera = await FakeCamera.StartAsync(gop: 30, mainSize: "1920x1080", subSize: "640x360", mainKbps: 4000,
            walkEvery: 0, personEvery: 12, personOffset: 15, personSeconds: 4);
        var dataDir = TestRecorder.NewDataDir();
        try
        {
            await using (await RecorderChildProcess.StartAsync(dataDir,
                [.. Camera(camera, 0, "--Nightjar:Cameras:0:AlertOn=People"), $"--Nightjar:Notifications:Webhook:Url={webhook.Url}"]))
            {
                await camera.WaitForHappeningAsync(SceneHappening.Person, crossings - 1, TimeSpan.FromSeconds(30 + (crossings * 12)));
                await Task.Delay(TimeSpan.FromSeconds(10));
            }

            var people = camera.Happenings.Where(h => h.Kind == SceneHappening.Person).Take(crossings).ToList();
            var starts = webhook.Received.Select(c => (Message: JsonSerializer.Deserialize<EventMessage>(c.Body, EventJson.Options)!, At: c.ReceivedAt))
                .Where(m => m.Message.Type == EventMessageTypes.Start).ToList();
            var times = new List<double>();
            foreach (var person in people)
            {
                var alert = starts.FirstOrDefault(m => m.Message.Event!.Start >= person.Start - TimeSpan.FromSeconds(1) && m.Message.Event.Start <= person.End);
                if (alert.Message is not null && alert.Message.Event!.Objects.Any(o => o.Label == "person"))
                {
                    times.Add((alert.At - person.Start).TotalMilliseconds);
                }
                else
                {
                    // Said in the log, so a miss can be looked into: which crossing, and what the alerts were.
                    Console.WriteLine(F($"crossing {person.Number} ({person.Start:HH:mm:ss.fff}–{person.End:HH:mm:ss.fff}) has no person alert; alerts: {string.Join("; ", starts.Select(m => F($"{m.Message.Event!.Start:HH:mm:ss.fff} [{string.Join(",", m.Message.Event.Objects.Select(o => o.Label))}]")))}"));
                }
            }

            report.Add("person crossings (a photograph walking across a 1080p picture, analysed on its 640×360 sub-stream) alerted as people, with Alert On: People",
                F($"{times.Count} of {people.Count}; {starts.Count} alerts in all"), F($"{people.Count} of {people.Count}, and no more alerts"),
                times.Count == people.Count && starts.Count == people.Count);
            if (times.Count > 0)
            {
                var samples = new Samples(times);
                report.Add("movement → person alert (webhook event.start with the person) at the receiver, from the crossing's first frame by the camera's clock (anchor: Frigate with a Coral, ~1 s)",
                    samples.Describe(), "p95 ≤ 1500 ms", samples.P95 <= 1500);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task CpuWithPeopleAsync(BenchReport report, TimeSpan window)
    {
        // A person crosses for 4 s every 40 s: motion a tenth of the time, and a person in all of it.
        await using var camera = await FakeCamera.StartAsync(gop: 30, mainSize: "640x360", subSize: "640x360", walkEvery: 0,
            personEvery: 40, personOffset: 20, personSeconds: 4);
        var off = await EventsMeasurements.TreeCpuAsync(Camera(camera, 0, "--Nightjar:Detection:Model=/nonexistent/model.onnx"), window);
        var on = await EventsMeasurements.TreeCpuAsync(Camera(camera, 0), window);
        var added = on - off;
        report.Add(F($"CPU detection adds for a camera with a person in it a tenth of the time (640×360 sub-stream at 15 fps; colour decoding while there is motion, 5 pictures a second to the detector), recorder tree from /proc, camera excluded, over {window.TotalSeconds:F0} s"),
            F($"{added:F2} % of one core ({on:F2} % with the detector, {off:F2} % with its model taken away)"), "≤ 3 % of one core", added <= 3);
    }

    private static async Task EightCamerasAsync(BenchReport report, TimeSpan window)
    {
        // Eight cameras on one scene where a person is always crossing: every camera has motion and people at once.
        await using var camera = await FakeCamera.StartAsync(gop: 30, mainSize: "640x360", subSize: "640x360", walkEvery: 0,
            personEvery: 5, personOffset: 10, personSeconds: 4.5);
        await using var recorder = await TestRecorder.StartAsync([.. Enumerable.Range(0, 8).SelectMany(i => Camera(camera, i))]);
        var engine = recorder.Get<RecordingEngine>();
        await Task.Delay(TimeSpan.FromSeconds(20));
        var from = TimeProvider.System.GetUtcNow();
        var before = engine.DetectionFigures!.Value;
        await Task.Delay(window);
        var after = engine.DetectionFigures!.Value;
        var to = TimeProvider.System.GetUtcNow();
        var seconds = (to - from).TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(3)); // the index is written a second behind
        var kept = await LeastCoverageAsync(engine, from, to);
        report.Add(F($"8 cameras with a person in every one at once ({RecordingEngineOptions.DefaultDetectionPerSecond:F0} inferences a second for the box, 5 colour pictures a second offered per camera), over {window.TotalSeconds:F0} s"),
            F($"{(after.Run - before.Run) / seconds:F1} inferences a second run, {(after.Dropped - before.Dropped) / seconds:F1} pictures a second dropped (the oldest of a camera, never a frame of a recording)"),
            F($"≤ {RecordingEngineOptions.DefaultDetectionPerSecond:F0} a second run"), (after.Run - before.Run) / seconds <= RecordingEngineOptions.DefaultDetectionPerSecond + 0.5);
        report.Add("recording of those 16 streams (8 main, 8 sub) meanwhile: the least-recorded stream's share of the window",
            F($"{kept * 100:F2} %"), "100 % (within a frame)", kept >= 0.998);
    }

    /// <summary>The least share of [<paramref name="from"/>, <paramref name="to"/>] that any stream's recordings cover.</summary>
    private static async Task<double> LeastCoverageAsync(RecordingEngine engine, DateTimeOffset from, DateTimeOffset to)
    {
        var least = 1.0;
        foreach (var stream in engine.Streams)
        {
            var covered = (await engine.Index.GetRecordingsAsync(stream.Stream, from, to))
                .Sum(r => (Min(r.End, to) - Max(r.Start, from)).TotalSeconds);
            least = Math.Min(least, covered / (to - from).TotalSeconds);
        }

        return least;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
