using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Microsoft.Data.Sqlite;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// Motion events against the fake camera's scripted scene, side by side in one run: the detector's own cost per
/// picture (BenchmarkDotNet), the CPU motion detection adds per camera and for eight (the same cameras with it off,
/// then on), false events in a quiet scene with noise, the clock, a noisy patch and four light switches, and scripted
/// walks: how many became events, and the time from a walk's start (the camera's own clock) to its alert on MQTT and
/// on the webhook.
/// </summary>
public static class EventsMeasurements
{
    public static async Task RunAsync(BenchReport report, bool quick)
    {
        DetectorPerPicture(report, quick);
        await CpuPerCameraAsync(report, quick);
        await QuietSceneAsync(report, TimeSpan.FromMinutes(quick ? 5 : 30));
        await WalksToAlertsAsync(report, quick ? 5 : 20);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void DetectorPerPicture(BenchReport report, bool quick)
    {
        var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator);
        if (quick)
        {
            config = config.AddJob(Job.ShortRun);
        }

        var summary = BenchmarkRunner.Run<MotionBenchmarks>(config);
        double MeanUs(string method) => summary.Reports
            .Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics!.Mean / 1000.0;
        var quiet = MeanUs(nameof(MotionBenchmarks.QuietPicture));
        var moving = MeanUs(nameof(MotionBenchmarks.MovingBox));
        report.Add("motion analysis of one 192×144 picture (BenchmarkDotNet mean; 8 pictures a second per camera)",
            F($"quiet {quiet:F0} µs, a box moving {moving:F0} µs: {moving * 8 / 10_000:F2} % of one core per camera"));
    }

    /// <summary>The cameras: a 640×360 main stream and the same scene's 640×360 sub-stream at 15 fps, motion on or off.</summary>
    private static string[] Cameras(FakeCamera camera, int count, bool motion) =>
    [
        .. Enumerable.Range(0, count).SelectMany(i => new[]
        {
            $"--Nightjar:Cameras:{i}:Name=Camera {i + 1}", $"--Nightjar:Cameras:{i}:StreamUrl={camera.Url("motion")}",
            $"--Nightjar:Cameras:{i}:SubStreamUrl={camera.Url("motion-sub")}", $"--Nightjar:Cameras:{i}:Motion:Enabled={(motion ? "true" : "false")}",
        }),
    ];

    private static async Task CpuPerCameraAsync(BenchReport report, bool quick)
    {
        // A quiet scene (no walks): what detection costs while nothing happens, which is most of the time.
        await using var camera = await FakeCamera.StartAsync(gop: 30, mainSize: "640x360", subSize: "640x360", walkEvery: 0);
        var window = TimeSpan.FromSeconds(quick ? 20 : 60);
        foreach (var count in new[] { 1, 8 })
        {
            var off = await TreeCpuAsync(Cameras(camera, count, motion: false), window);
            var on = await TreeCpuAsync(Cameras(camera, count, motion: true), window);
            var added = on - off;
            var target = count == 1 ? 3 : 25;
            report.Add(
                F($"CPU motion detection adds for {count} camera{(count == 1 ? "" : "s")} (640×360 sub-stream at 15 fps: decoding, scaling, analysis), recorder tree from /proc, camera excluded, after a 20 s warm-up"),
                F($"{added:F2} % of one core ({on:F2} % with it, {off:F2} % without, same cameras, over {window.TotalSeconds:F0} s); decoding every frame dominates, analysis is 8 small pictures a second"),
                F($"≤ {target} % of one core"), added <= target);
        }
    }

    /// <summary>The recorder tree's CPU (camera excluded) with these cameras, after a 20 s warm-up, on a fresh data folder.</summary>
    internal static async Task<double> TreeCpuAsync(string[] cameras, TimeSpan window)
    {
        var dataDir = TestRecorder.NewDataDir();
        try
        {
            await using var recorder = await RecorderChildProcess.StartAsync(dataDir, cameras);
            await Task.Delay(TimeSpan.FromSeconds(20));
            return await new ProcessTree(recorder.ProcessId).CpuPercentAsync(window);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task QuietSceneAsync(BenchReport report, TimeSpan length)
    {
        // Four light switches evenly over the run, between which noise, the clock and the noisy patch go on.
        var quarter = length.TotalSeconds / 4;
        await using var camera = await FakeCamera.StartAsync(gop: 30, mainSize: "640x360", subSize: "640x360", walkEvery: 0,
            lightEvery: quarter * 2, lightOffset: quarter - 1, lightSeconds: quarter);
        var dataDir = TestRecorder.NewDataDir();
        try
        {
            await using (await RecorderChildProcess.StartAsync(dataDir, Cameras(camera, 1, motion: true)))
            {
                await Task.Delay(length + TimeSpan.FromSeconds(5));
            }

            var lights = camera.Happenings.Where(h => h.Kind is SceneHappening.LightOn or SceneHappening.LightOff).ToList();
            var switches = lights.Count;
            var events = await CountEventsAsync(dataDir);
            // Said in the log, so a false event can be looked into: when, where, and how far from a light switch.
            foreach (var line in await DescribeEventsAsync(dataDir, lights))
            {
                Console.WriteLine(line);
            }

            report.Add(F($"false events in {length.TotalMinutes:F0} min of a quiet scene: sensor noise, the burned-in clock, a noisy patch, {switches} light switches"),
                F($"{events}"), "0", events == 0);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<long> CountEventsAsync(string dataDir)
    {
        await using var index = new SqliteConnection($"Data Source={Path.Combine(dataDir, "recordings", "recordings.db")};Mode=ReadOnly");
        await index.OpenAsync();
        await using var command = index.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM event";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> DescribeEventsAsync(string dataDir, List<SceneHappening> lights)
    {
        await using var index = new SqliteConnection($"Data Source={Path.Combine(dataDir, "recordings", "recordings.db")};Mode=ReadOnly");
        await index.OpenAsync();
        await using var command = index.CreateCommand();
        command.CommandText = "SELECT start_us, end_us, region_x, region_y, region_width, region_height FROM event ORDER BY start_us";
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            var start = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0) / 1000);
            var end = reader.IsDBNull(1) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1) / 1000);
            var nearest = lights.Count == 0 ? "no light switch" : lights.Select(l => (l.Kind, Seconds: (start - l.Start).TotalSeconds))
                .OrderBy(l => Math.Abs(l.Seconds)).Select(l => F($"{l.Seconds:+0.0;-0.0} s from {l.Kind}")).First();
            lines.Add(F($"false event {start:HH:mm:ss.fff}–{end:HH:mm:ss.fff} region x {reader.GetDouble(2):F2} y {reader.GetDouble(3):F2} w {reader.GetDouble(4):F2} h {reader.GetDouble(5):F2}, {nearest}"));
        }

        return lines;
    }

    private static async Task WalksToAlertsAsync(BenchReport report, int walks)
    {
        await using var broker = await MqttBroker.StartAsync();
        await using var listener = await MqttListener.StartAsync(broker);
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var camera = await FakeCamera.StartAsync(gop: 30, mainSize: "1920x1080", subSize: "640x360", mainKbps: 4000,
            walkEvery: 10, walkOffset: 15, walkSeconds: 3);
        var dataDir = TestRecorder.NewDataDir();
        try
        {
            await using (await RecorderChildProcess.StartAsync(dataDir,
            [
                .. Cameras(camera, 1, motion: true),
                "--Nightjar:Notifications:Mqtt:Host=127.0.0.1", $"--Nightjar:Notifications:Mqtt:Port={broker.Port}",
                $"--Nightjar:Notifications:Webhook:Url={webhook.Url}",
            ]))
            {
                await camera.WaitForHappeningAsync(SceneHappening.Walk, walks - 1, TimeSpan.FromSeconds(30 + (walks * 10)));
                await Task.Delay(TimeSpan.FromSeconds(10));
            }

            var walked = camera.Happenings.Where(h => h.Kind == SceneHappening.Walk).Take(walks).ToList();
            var mqtt = listener.Received.Where(m => m.Topic == "nightjar/events")
                .Select(m => (Message: JsonSerializer.Deserialize<EventMessage>(m.Payload, EventJson.Options)!, At: m.ReceivedAt))
                .Where(m => m.Message.Type == EventMessageTypes.Start).ToList();
            var hooks = webhook.Received.Select(c => (Message: JsonSerializer.Deserialize<EventMessage>(c.Body, EventJson.Options)!, At: c.ReceivedAt))
                .Where(m => m.Message.Type == EventMessageTypes.Start).ToList();
            var toMqtt = new List<double>();
            var toWebhook = new List<double>();
            var detected = 0;
            foreach (var walk in walked)
            {
                // The alert of this walk: the first event that began during it.
                var alert = mqtt.FirstOrDefault(m => m.Message.Event!.Start >= walk.Start - TimeSpan.FromSeconds(1) && m.Message.Event.Start <= walk.End);
                if (alert.Message is null)
                {
                    continue;
                }

                detected++;
                toMqtt.Add((alert.At - walk.Start).TotalMilliseconds);
                if (hooks.FirstOrDefault(h => h.Message.Event!.Id == alert.Message.Event!.Id) is { Message: not null } hook)
                {
                    toWebhook.Add((hook.At - walk.Start).TotalMilliseconds);
                }
            }

            report.Add(F($"scripted walks (a grey box crossing a 1080p picture, analysed on its 640×360 sub-stream) that became events"),
                F($"{detected} of {walked.Count}; {mqtt.Count} events in all"), F($"{walked.Count} of {walked.Count}, and no more events"),
                detected == walked.Count && mqtt.Count == walked.Count);
            if (toMqtt.Count > 0)
            {
                var samples = new Samples(toMqtt);
                report.Add("movement → MQTT event.start at a subscriber, from the walk's first frame by the camera's clock (anchors: Home Assistant route 40–90 s, Frigate 1–3 s)",
                    samples.Describe(), "p95 ≤ 1000 ms", samples.P95 <= 1000);
            }

            if (toWebhook.Count > 0)
            {
                var samples = new Samples(toWebhook);
                report.Add("movement → webhook POST at the receiver, same walks", samples.Describe(), "p95 ≤ 1000 ms", samples.P95 <= 1000);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
