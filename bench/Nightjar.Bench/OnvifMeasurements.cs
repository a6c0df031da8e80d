using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Onvif;
using Nightjar.Recording.Motion;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// ONVIF against the fake camera: Search → the list (WS-Discovery between two network namespaces made for it, as the
/// console's Search runs it), Add → the first fragment on disk (the dialog's Connect, then Save, to a recording file
/// with video in it), and the camera's own motion event → its alert on MQTT (from the start of a scripted walk by the
/// camera's clock to the event.start message at a subscriber).
/// </summary>
public static class OnvifMeasurements
{
    private const string User = "onvif";
    private const string Password = "Bench-Onvif-1";

    public static async Task RunAsync(BenchReport report, bool quick)
    {
        await SearchAsync(report, quick ? 3 : 10);
        await AddToFirstFragmentAsync(report, quick ? 3 : 10);
        await CameraEventToAlertAsync(report, quick ? 3 : 10);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task SearchAsync(BenchReport report, int runs)
    {
        const string name = "Cameras → Search → the list of found cameras (WS-Discovery multicast on a veth network, the fake camera answering)";
        if (!NetworkNamespace.CanMake)
        {
            report.Add(name, "not measured: " + NetworkNamespace.NeedsRoot, "p95 ≤ 3000 ms", met: null);
            return;
        }

        var (box, network) = await NetworkNamespace.PairAsync();
        await using var _ = box;
        await using var __ = network;
        await using var camera = await FakeCamera.StartAsync(onvif: true, inside: network);
        var discovery = new OnvifDiscovery(TimeProvider.System, []);
        await box.RunInsideAsync(() => discovery.SearchAsync()); // warm-up
        var times = new List<double>();
        var found = 0;
        for (var run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            var list = await box.RunInsideAsync(() => discovery.SearchAsync());
            times.Add(watch.Elapsed.TotalMilliseconds);
            found += list.Count;
        }

        var samples = new Samples(times);
        report.Add(name, F($"{samples.Describe()}; the camera found {found} times of {runs} (the search waits {OnvifDiscovery.Wait.TotalSeconds:F1} s for late answers)"),
            "p95 ≤ 3000 ms", samples.P95 <= 3000 && found == runs);
    }

    private static async Task AddToFirstFragmentAsync(BenchReport report, int runs)
    {
        await using var camera = await FakeCamera.StartAsync(gop: 25, user: User, password: Password, onvif: true);
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var finder = recorder.Get<OnvifCameraFinder>();
        var catalog = recorder.Get<CameraCatalog>();
        var connects = new List<double>();
        var toFragment = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var watch = Stopwatch.StartNew();
            var streams = await finder.FindStreamsAsync(camera.OnvifDeviceService, new OnvifCredentials(User, Password));
            var connected = watch.Elapsed;
            var form = new CameraForm($"Bench {run}", streams.MainStream.AbsoluteUri, streams.SubStream?.AbsoluteUri ?? "", User, Password)
            {
                OnvifAddress = camera.OnvifDeviceService,
            };
            var saved = (await catalog.SaveAsync(null, form)).Saved ?? throw new InvalidOperationException("The camera was not saved.");
            await FirstFragmentAsync(recorder.DataDir, saved.Id);
            if (run > 0) // the first is the warm-up
            {
                connects.Add(connected.TotalMilliseconds);
                toFragment.Add(watch.Elapsed.TotalMilliseconds);
            }

            await catalog.RemoveAsync(saved.Id, deleteRecordings: true);
        }

        report.Add("Add an ONVIF camera: Connect (clock, device, services, profiles, stream addresses, with the digest)", new Samples(connects).Describe());
        var samples = new Samples(toFragment);
        report.Add("Add an ONVIF camera → its first fragment on disk (Connect, Save, ffmpeg connecting; the camera's keyframe every 1 s)",
            samples.Describe(), "p95 ≤ 3000 ms", samples.P95 <= 3000);
    }

    /// <summary>Waits until a recording file of the camera's main stream holds a fragment (an init segment alone is a few hundred bytes).</summary>
    private static async Task FirstFragmentAsync(string dataDir, string cameraId)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (Directory.Exists(dataDir) && Directory.EnumerateFiles(dataDir, "*.mp4", SearchOption.AllDirectories)
                .Any(f => f.Contains(cameraId, StringComparison.Ordinal) && f.Contains("main", StringComparison.Ordinal) && new FileInfo(f).Length > 4096))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No fragment of {cameraId} reached the disk within 30 s.");
    }

    private static async Task CameraEventToAlertAsync(BenchReport report, int walks)
    {
        await using var broker = await MqttBroker.StartAsync();
        await using var listener = await MqttListener.StartAsync(broker);
        await using var camera = await FakeCamera.StartAsync(user: User, password: Password, onvif: true, onvifMainMount: "motion",
            onvifSubMount: "motion-sub", walkEvery: 8, walkOffset: 10, walkSeconds: 3);
        await using var recorder = await TestRecorder.StartAsync("--Nightjar:Notifications:Mqtt:Host=127.0.0.1", $"--Nightjar:Notifications:Mqtt:Port={broker.Port}");
        await recorder.CompleteSetupAsync();
        var form = new CameraForm("Gate", camera.Url("motion").AbsoluteUri, camera.Url("motion-sub").AbsoluteUri, User, Password)
        {
            OnvifAddress = camera.OnvifDeviceService,
            Motion = MotionSettings.Default with { From = MotionFrom.Camera },
        };
        await recorder.Get<CameraCatalog>().SaveAsync(null, form);
        await camera.WaitForHappeningAsync(SceneHappening.Walk, walks, TimeSpan.FromSeconds(30 + (walks * 8)));
        await Task.Delay(TimeSpan.FromSeconds(2));

        var starts = listener.Received.Where(m => m.Topic == "nightjar/events")
            .Select(m => (Message: JsonSerializer.Deserialize<EventMessage>(m.Payload, EventJson.Options)!, At: m.ReceivedAt))
            .Where(m => m.Message.Type == EventMessageTypes.Start).ToList();
        var times = new List<double>();
        // Walk 0 is the warm-up (the subscription may still be being made when it starts).
        foreach (var walk in camera.Happenings.Where(h => h.Kind == SceneHappening.Walk).Skip(1).Take(walks))
        {
            var alert = starts.FirstOrDefault(m => m.Message.Event!.Start >= walk.Start - TimeSpan.FromSeconds(1) && m.Message.Event.Start <= walk.End);
            if (alert.Message is not null)
            {
                times.Add((alert.At - walk.Start).TotalMilliseconds);
            }
        }

        SqliteConnection.ClearAllPools();
        if (times.Count == 0)
        {
            report.Add("the camera's own motion (ONVIF PullPoint) → MQTT event.start", F($"no alert for {walks} walks"), "p95 ≤ 1000 ms", false);
            return;
        }

        var samples = new Samples(times);
        report.Add("the camera's own motion (ONVIF PullPoint event) → MQTT event.start at a subscriber, from the walk's start by the camera's clock",
            F($"{samples.Describe()}; {times.Count} of {walks} walks alerted"), "p95 ≤ 1000 ms", samples.P95 <= 1000 && times.Count == walks);
    }
}
