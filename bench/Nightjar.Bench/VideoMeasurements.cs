using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Nightjar.Contracts;
using Nightjar.Recording;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// Live view and playback against the fake camera at full size (1080p25 H.264 at 4 Mbit/s, 640×360 sub-stream),
/// the recorder in its own process, the console in Debian's headless Chromium: live latency and the grid's cost to
/// the browser, time to first frame, seek, ten app clients on one live stream, and the export of one hour.
/// </summary>
public static class VideoMeasurements
{
    private const string Camera = "cfg0";

    public static async Task RunAsync(BenchReport report, bool quick)
    {
        await using var camera = await FakeCamera.StartAsync(gop: 50, mainSize: "1920x1080", subSize: "640x360", mainKbps: 4000);
        var dataDir = TestRecorder.NewDataDir();
        string[] cameras =
        [
            .. Enumerable.Range(0, 4).SelectMany(i => new[]
            {
                $"--Nightjar:Cameras:{i}:Name=Camera {i + 1}", $"--Nightjar:Cameras:{i}:StreamUrl={camera.Url("main")}",
                $"--Nightjar:Cameras:{i}:SubStreamUrl={camera.Url("sub")}",
            }),
        ];
        await using (var recorder = await RecorderChildProcess.StartAsync(dataDir, cameras))
        {
            var recordingSince = TimeProvider.System.GetUtcNow();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await ConsoleDriver.LaunchAsync(playwright);
            var setup = await ConsoleDriver.NewPageAsync(browser);
            await ConsoleDriver.SetUpAsync(setup, recorder.ConsoleUrl);
            await setup.CloseAsync();
            await Task.Delay(TimeSpan.FromSeconds(10)); // every stream recording, some history for the seeks

            await GridAsync(report, browser, recorder, dataDir, TimeSpan.FromSeconds(quick ? 20 : 60));
            await FirstFrameAsync(report, browser, recorder, dataDir, quick ? 5 : 20);
            await SeekAsync(report, browser, recorder, recordingSince.AddSeconds(10), quick ? 5 : 20);
            await AppClientsAsync(report, recorder, TimeSpan.FromSeconds(quick ? 10 : 30));
        }

        await ExportHourAsync(report, dataDir);
        Directory.Delete(dataDir, recursive: true);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The live view's 2×2 grid of sub-streams: latency from a fragment's arrival at the recorder to its frame on screen, and Chromium's CPU.</summary>
    /// <summary>
    /// A page of the box's own screen: admitted as deploy/nightjar-kiosk admits its browser (the kiosk secret posted from
    /// the launcher's start page), which the locked live view needs.
    /// </summary>
    private static async Task<IPage> KioskPageAsync(IBrowser browser, RecorderChildProcess recorder, string dataDir)
    {
        var page = await ConsoleDriver.NewPageAsync(browser);
        await page.GotoAsync((await KioskLauncher.StartPageAsync(recorder.ConsoleUrl, dataDir)).AbsoluteUri);
        await page.WaitForURLAsync(new Uri(recorder.ConsoleUrl, "/").AbsoluteUri);
        return page;
    }

    private static async Task GridAsync(BenchReport report, IBrowser browser, RecorderChildProcess recorder, string dataDir, TimeSpan window)
    {
        var page = await KioskPageAsync(browser, recorder, dataDir);
        await page.GotoAsync(new Uri(recorder.ConsoleUrl, "/?stamps=1").ToString());
        await page.WaitForFunctionAsync("() => document.querySelectorAll('video[data-frames-presented]').length === 4", null, new() { Timeout = 30_000 });
        await Task.Delay(TimeSpan.FromSeconds(10));
        await page.EvaluateAsync("() => window.nightjarLive.clear()");
        var chromium = Chromium();
        var cpu = await chromium.CpuPercentAsync(window);
        var stats = await page.EvaluateAsync<JsonElement>("() => window.nightjarLive.stats()");
        var latencies = stats.EnumerateArray().SelectMany(p => p.GetProperty("latencies").EnumerateArray().Select(l => l.GetDouble())).ToList();
        var frames = stats.EnumerateArray().Sum(p => p.GetProperty("framesPresented").GetInt32());
        await page.CloseAsync();

        if (latencies.Count == 0)
        {
            throw new InvalidOperationException("No presented frame could be matched to its fragment's arrival.");
        }

        var samples = new Samples(latencies);
        var p99 = latencies.Order().ElementAt(Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.99) - 1));
        report.Add(
            "live latency: a fragment's arrival from the camera at the recorder → its frame presented in Chromium (`requestVideoFrameCallback`), 4 tiles of 640×360 sub-streams",
            F($"median {samples.Median:F0} ms, p99 {p99:F0} ms, max {samples.Max:F0} ms (n = {samples.Count} frames)"),
            "median ≤ 150 ms, p99 ≤ 400 ms", samples.Median <= 150 && p99 <= 400);
        report.Add(
            F($"Chromium (headless, software decoding) showing the 2×2 grid of sub-streams, {window.TotalSeconds:F0} s after a 10 s warm-up"),
            F($"{cpu:F1} % of one core for the whole browser ({frames} frames presented in all)"),
            "≤ 50 % of one core", cpu <= 50);
    }

    /// <summary>Opens the live view afresh, again and again: the time from the start of the page load to each tile's first frame.</summary>
    private static async Task FirstFrameAsync(BenchReport report, IBrowser browser, RecorderChildProcess recorder, string dataDir, int runs)
    {
        var times = new List<double>();
        var loaded = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var page = await KioskPageAsync(browser, recorder, dataDir); // then the live view opened afresh, as measured before
            await page.GotoAsync(recorder.ConsoleUrl.ToString());
            await page.WaitForFunctionAsync("() => window.nightjarLive && window.nightjarLive.stats().filter(p => p.firstFrameAt !== null).length === 4", null, new() { Timeout = 30_000 });
            var stats = await page.EvaluateAsync<JsonElement>("() => window.nightjarLive.stats()");
            times.AddRange(stats.EnumerateArray().Select(p => p.GetProperty("firstFrameAt").GetDouble()));
            loaded.Add(await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].domContentLoadedEventStart"));
            var handedOver = await page.EvaluateAsync<int>("() => window.nightjarLive.handOvers()");
            var firstByte = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].responseStart");
            Console.WriteLine(F($"first byte {firstByte:F0} ms, first frames {string.Join(", ", stats.EnumerateArray().Select(p => p.GetProperty("firstFrameAt").GetDouble().ToString("F0", CultureInfo.InvariantCulture)))} ms; players handed over {handedOver}"));
            await page.CloseAsync();
        }

        var samples = new Samples(times);
        report.Add("time to first frame: opening the live view (4 tiles) → each tile's first frame presented, from the start of the page load",
            F($"{samples.Describe()}; of which the page itself, to DOMContentLoaded: median {new Samples(loaded).Median:F0} ms"), "p95 ≤ 500 ms", samples.P95 <= 500);
    }

    /// <summary>Playback of the 1080p main stream (keyframe every 2 s): a click on the timeline → the frame of that instant presented.</summary>
    private static async Task SeekAsync(BenchReport report, IBrowser browser, RecorderChildProcess recorder, DateTimeOffset recorded, int runs)
    {
        var page = await ConsoleDriver.NewPageAsync(browser);
        await ConsoleDriver.LogInAsync(page, recorder.ConsoleUrl, "/playback");
        var timeline = page.GetByRole(AriaRole.Slider, new() { Name = "Timeline" });
        await page.WaitForFunctionAsync("() => document.querySelector('video.playback-video')?.dataset.presentedMs", null, new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Group, new() { Name = "Zoom" }).GetByRole(AriaRole.Button, new() { Name = "10 min", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
        await Task.Delay(1000);

        // Each seek goes from one end of the recording to the other, 70 s or more from the last: past the minute the
        // player reads ahead, so every one fetches from the recorder, as a seek across a day does.
        while (TimeProvider.System.GetUtcNow() - recorded < TimeSpan.FromSeconds(110))
        {
            await Task.Delay(1000);
        }

        var random = new Random(20261201);
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var start = long.Parse(await timeline.GetAttributeAsync("data-window-start") ?? "0", CultureInfo.InvariantCulture);
            var end = long.Parse(await timeline.GetAttributeAsync("data-window-end") ?? "0", CultureInfo.InvariantCulture);
            var box = (await timeline.BoundingBoxAsync())!;
            var near = run % 2 == 0 ? recorded : TimeProvider.System.GetUtcNow().AddSeconds(-25);
            var at = near.AddMilliseconds(random.NextDouble() * 20_000).ToUnixTimeMilliseconds();
            var clickedAt = await page.EvaluateAsync<double>("() => performance.now()");
            await page.Mouse.ClickAsync((float)(box.X + (box.Width * (at - start) / (end - start))), box.Y + (box.Height / 2));
            var target = long.Parse(await timeline.GetAttributeAsync("data-position-ms") ?? "0", CultureInfo.InvariantCulture);
            await page.WaitForFunctionAsync(
                "([target, after]) => { const s = window.nightjarPlayback.stats(); return s && s.presentedAt > after && Math.abs(s.presentedMs - target) < 500; }",
                new object[] { target, clickedAt }, new() { Timeout = 20_000 });
            var presentedAt = await page.EvaluateAsync<double>("() => window.nightjarPlayback.stats().presentedAt");
            times.Add(presentedAt - clickedAt);
            await Task.Delay(500);
        }

        await page.CloseAsync();
        var samples = new Samples(times);
        report.Add("seek: a click on the Playback timeline → the frame of that instant presented (1080p main stream, keyframe every 2 s, paused, software decoding; each seek outside what the player had read, so it fetches from the recorder)",
            samples.Describe(), "p95 ≤ 300 ms", samples.P95 <= 300);
    }

    /// <summary>The recorder's CPU (with its ffmpeg children) before and while ten app clients watch the same 1080p live stream over TLS.</summary>
    private static async Task AppClientsAsync(BenchReport report, RecorderChildProcess recorder, TimeSpan window)
    {
        var tree = new ProcessTree(recorder.ProcessId);
        var idle = await tree.CpuPercentAsync(window);

        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = recorder.ApiUrl };
        var signIn = await http.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", ConsoleDriver.Password, "bench"));
        var token = (await signIn.Content.ReadFromJsonAsync<SessionResponse>())!.Token;
        using var stop = new CancellationTokenSource();
        var received = new long[10];
        var clients = Enumerable.Range(0, 10).Select(i => WatchAsync(recorder.ApiUrl, token, bytes => Interlocked.Add(ref received[i], bytes), stop.Token)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var before = received.Sum();
        var watching = await tree.CpuPercentAsync(window);
        var rate = (received.Sum() - before) * 8 / window.TotalSeconds / 1e6 / 10;
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        report.Add(
            "10 app clients on one live 1080p stream (4 Mbit/s) over TLS: the recorder's CPU (4 cameras recording) without and with them",
            F($"{idle:F1} % → {watching:F1} % of one core: {(watching - idle) / 10:F2} % per client; each received {rate:F1} Mbit/s"),
            "≤ 1 % of one core per client", (watching - idle) / 10 <= 1);
    }

    private static async Task WatchAsync(Uri api, string token, Action<int> received, CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null; // the recorder on loopback
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        var url = new UriBuilder(api) { Scheme = "wss", Path = $"/api/v1/cameras/{Camera}/live" }.Uri;
        await socket.ConnectAsync(url, stop);
        var buffer = new byte[1 << 16];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, stop);
                received(result.Count);
            }
        }
        catch (OperationCanceledException)
        {
            // Done watching.
        }
    }

    /// <summary>
    /// One hour of the 1080p main stream exported as one MP4: the longest file recorded above (a minute, or less on a
    /// quick run) is copied over the hour (the engine indexes the copies from their names, as after a restore), then the hour
    /// is excerpted and written to a file, as Export does.
    /// </summary>
    private static async Task ExportHourAsync(BenchReport report, string recorded)
    {
        var source = Path.Combine(recorded, "recordings");
        var stream = new StreamKey(Camera, StreamKind.Main);
        var index = await RecordingIndex.OpenAsync(Path.Combine(source, "recordings.db"));
        var minute = (await index.GetAllRecordingsAsync()).Where(r => r.Stream == stream && !r.Open).MaxBy(r => r.End - r.Start)
            ?? throw new InvalidOperationException("The recorder did not close a file of the main stream.");
        var hourDir = Path.Combine(TestRecorder.NewDataDir(), "recordings");
        var wall = minute.End - minute.Start;
        var first = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var copies = (int)Math.Ceiling(TimeSpan.FromHours(1) / wall);
        for (var i = 0; i < copies; i++)
        {
            var start = first + (wall * i);
            var path = Path.Combine(hourDir, Camera, "main", start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.ffffff'Z'", CultureInfo.InvariantCulture) + ".mp4");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(Path.Combine(source, minute.Path), path);
        }

        await using var engine = await RecordingEngine.StartAsync(new RecordingEngineOptions { Dir = hourDir, MinFreeBytes = 0 }, TimeProvider.System, NullLoggerFactory.Instance);
        var output = Path.Combine(Path.GetTempPath(), "nightjar-export-" + Guid.NewGuid().ToString("N") + ".mp4");
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var excerpt = await engine.ExcerptAsync(stream, first, first.AddHours(1)) ?? throw new InvalidOperationException("The hour was not indexed.");
        await using (var from = excerpt.Open())
        await using (var to = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await from.CopyToAsync(to, 1 << 16);
        }

        var took = clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await engine.StopAsync("benchmark over");
        var seconds = await Ffprobe.DurationAsync(output);
        var codecs = await Ffprobe.CodecsAsync(output);
        var bytes = new FileInfo(output).Length;
        File.Delete(output);
        report.Add(
            F($"export of one hour of the 1080p main stream (4 Mbit/s, {copies} files of {wall.TotalSeconds:F0} s, page cache warm) into one MP4"),
            F($"{took.TotalSeconds:F1} s ({3600 / took.TotalSeconds:F0}× real time), {cpu.TotalSeconds:F1} s of CPU, {bytes / 1e9:F2} GB; remux only: the output is {string.Join(", ", codecs)} of {seconds:F0} s and every byte of it but the init segment is a fragment copied from the files ({excerpt.Fragments} fragments)"),
            "≤ 60 s, no transcoding", took.TotalSeconds <= 60 && bytes == excerpt.Length);
        Directory.Delete(Path.GetDirectoryName(hourDir)!, recursive: true);
    }

    /// <summary>The headless Chromium the benchmark launched: its browser process and everything under it (zygotes, GPU, renderers).</summary>
    private static ProcessTree Chromium()
    {
        var browsers = Directory.GetDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Command(pid).StartsWith("/usr/lib/chromium/chromium ", StringComparison.Ordinal) && !Command(pid).Contains(" --type=", StringComparison.Ordinal))
            .ToList();
        return browsers.Count == 1 ? new ProcessTree(browsers[0]) : throw new InvalidOperationException($"Expected one Chromium browser process, found {browsers.Count}.");
    }

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
