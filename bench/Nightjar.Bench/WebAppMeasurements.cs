using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// The web app as a phone meets it (390×844, touch) over TLS on loopback, against four cameras of the fake camera at
/// full size (1080p25 H.264 at 4 Mbit/s, 640×360 sub-streams): opening the page → the first live frame, the bytes the
/// phone receives before it, and a finger lifted from the Playback Timeline → the picture of that moment.
/// </summary>
public static class WebAppMeasurements
{
    /// <summary>Counts what each WebSocket receives, with the page's clock, before the page's scripts run.</summary>
    private const string CountSocketBytes = """
        (() => {
          const Base = window.WebSocket;
          window.__socketBytes = [];
          window.WebSocket = class extends Base {
            constructor(...args) {
              super(...args);
              this.addEventListener("message", (e) => window.__socketBytes.push([performance.now(), typeof e.data === "string" ? e.data.length : e.data.byteLength]));
            }
          };
        })();
        """;

    public static async Task RunAsync(BenchReport report, bool quick)
    {
        await using var camera = await FakeCamera.StartAsync(gop: 50, mainSize: "1920x1080", subSize: "640x360", mainKbps: 4000);
        var dataDir = TestRecorder.NewDataDir();
        string[] cameras =
        [
            .. Enumerable.Range(0, 4).SelectMany(i => new[]
            {
                $"--Nightjar:Cameras:{i}:Name=Camera {i + 1}", $"--Nightjar:Cameras:{i}:StreamUrl={camera.Url("main")}",
                $"--Nightjar:Cameras:{i}:SubStreamUrl={camera.Url("sub")}", $"--Nightjar:Cameras:{i}:Motion:Enabled=false",
            }),
        ];
        try
        {
            await using var recorder = await RecorderChildProcess.StartAsync(dataDir, cameras);
            var recordingSince = TimeProvider.System.GetUtcNow();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await ConsoleDriver.LaunchAsync(playwright);
            var setup = await ConsoleDriver.NewPageAsync(browser);
            await ConsoleDriver.SetUpAsync(setup, recorder.ConsoleUrl);
            await setup.CloseAsync();

            await using var phone = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = 390, Height = 844 },
                DeviceScaleFactor = 2,
                IsMobile = true,
                HasTouch = true,
                IgnoreHTTPSErrors = true,
            });
            phone.SetDefaultTimeout(30_000);
            await phone.AddInitScriptAsync(CountSocketBytes);
            var login = await phone.NewPageAsync();
            await login.GotoAsync(recorder.ApiUrl.ToString());
            await login.GetByLabel("User Name").FillAsync("admin");
            await login.GetByLabel("Password", new() { Exact = true }).FillAsync(ConsoleDriver.Password);
            await login.GetByRole(AriaRole.Button, new() { Name = "Log In" }).TapAsync();
            await login.GetByRole(AriaRole.Navigation, new() { Name = "Places" }).WaitForAsync();
            await login.CloseAsync();
            await Task.Delay(TimeSpan.FromSeconds(10)); // every stream recording, warm caches

            await FirstLiveFrameAsync(report, phone, recorder, quick ? 5 : 20);
            await DragToPictureAsync(report, phone, recorder, recordingSince.AddSeconds(10), quick ? 5 : 20);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The page opened afresh (signed in, so Live): its first live frame, every tile's, and the bytes received before the first.</summary>
    private static async Task FirstLiveFrameAsync(BenchReport report, IBrowserContext phone, RecorderChildProcess recorder, int runs)
    {
        var first = new List<double>();
        var tiles = new List<double>();
        var bytes = new List<double>();
        var httpBytes = new List<double>();
        var socketBytes = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var page = await phone.NewPageAsync();
            await page.GotoAsync(recorder.ApiUrl.ToString());
            await page.WaitForFunctionAsync("() => window.nightjarLive && window.nightjarLive.stats().filter(p => p.firstFrameAt !== null).length === 4");
            var stats = await page.EvaluateAsync<JsonElement>("() => window.nightjarLive.stats()");
            var frames = stats.EnumerateArray().Select(p => p.GetProperty("firstFrameAt").GetDouble()).ToList();
            first.Add(frames.Min());
            tiles.AddRange(frames);
            // Everything the phone received before its first live frame: the page, its files and API answers (bytes on
            // the wire, headers included), and what the sockets carried up to then.
            var split = await page.EvaluateAsync<double[]>("""
                (firstAt) => {
                  const http = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
                    .filter((e) => e.responseEnd <= firstAt).reduce((sum, e) => sum + e.transferSize, 0);
                  const sockets = window.__socketBytes.filter(([at]) => at <= firstAt).reduce((sum, [, n]) => sum + n, 0);
                  return [http, sockets];
                }
                """, frames.Min());
            httpBytes.Add(split[0]);
            socketBytes.Add(split[1]);
            bytes.Add(split[0] + split[1]);
            await page.CloseAsync();
        }

        var page1 = new Samples(first);
        report.Add("web app on a phone (390×844, TLS on loopback): opening the page (signed in) → its first live frame presented, 4 tiles of 640×360 sub-streams",
            F($"{page1.Describe()}; every tile's first frame: {new Samples(tiles).Describe()}"), "p95 ≤ 1000 ms", page1.P95 <= 1000);
        var received = new Samples(bytes.Select(b => b / 1024));
        report.Add("web app: bytes the phone received before its first live frame (page, scripts, styles, API answers, socket messages)",
            F($"{received.Describe("KB")}; of which the page, its files and API answers: median {new Samples(httpBytes).Median / 1024:F0} KB, the four live sockets: median {new Samples(socketBytes).Median / 1024:F0} KB"),
            "≤ 150 KB", received.Max <= 150);
    }

    /// <summary>Playback of the 1080p main stream (keyframe every 2 s), paused: a finger lifted from the Timeline → the frame of that instant presented.</summary>
    private static async Task DragToPictureAsync(BenchReport report, IBrowserContext phone, RecorderChildProcess recorder, DateTimeOffset recorded, int runs)
    {
        var page = await phone.NewPageAsync();
        await page.GotoAsync(new Uri(recorder.ApiUrl, "/#playback").ToString());
        await page.WaitForFunctionAsync("() => document.querySelector('video.playback-video')?.dataset.presentedMs");
        await page.GetByRole(AriaRole.Radiogroup, new() { Name = "Zoom" }).GetByRole(AriaRole.Radio, new() { Name = "10 Min" }).TapAsync();
        var timeline = page.GetByRole(AriaRole.Slider, new() { Name = "Timeline" });

        // As for the console's seek: each drag lands 70 s or more from the last, past what the player reads ahead.
        while (TimeProvider.System.GetUtcNow() - recorded < TimeSpan.FromSeconds(110))
        {
            await Task.Delay(1000);
        }

        var cdp = await phone.NewCDPSessionAsync(page);
        Dictionary<string, object> Touch(string type, double x, double y) => new()
        {
            ["type"] = type,
            ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = x, ["y"] = y } },
        };
        var random = new Random(20261207);
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var start = long.Parse(await timeline.GetAttributeAsync("data-window-start") ?? "0", CultureInfo.InvariantCulture);
            var end = long.Parse(await timeline.GetAttributeAsync("data-window-end") ?? "0", CultureInfo.InvariantCulture);
            var box = (await timeline.BoundingBoxAsync())!;
            var near = run % 2 == 0 ? recorded : TimeProvider.System.GetUtcNow().AddSeconds(-25);
            var at = near.AddMilliseconds(random.NextDouble() * 20_000).ToUnixTimeMilliseconds();
            var x = box.X + (box.Width * (at - start) / (end - start));
            var y = box.Y + (box.Height / 2);
            await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchStart", x - 40, y));
            for (var step = 1; step <= 5; step++)
            {
                await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchMove", x - 40 + (step * 8), y));
            }

            var liftedAt = await page.EvaluateAsync<double>("() => performance.now()");
            await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchEnd", x, y));
            var target = long.Parse(await timeline.GetAttributeAsync("data-position-ms") ?? "0", CultureInfo.InvariantCulture);
            await page.WaitForFunctionAsync(
                "([target, after]) => { const s = window.nightjarPlayback.stats(); return s && s.presentedAt > after && Math.abs(s.presentedMs - target) < 500; }",
                new object[] { target, liftedAt });
            times.Add(await page.EvaluateAsync<double>("() => window.nightjarPlayback.stats().presentedAt") - liftedAt);
            await Task.Delay(500);
        }

        await cdp.DetachAsync();
        await page.CloseAsync();
        var samples = new Samples(times);
        report.Add("web app: a finger lifted from the Playback Timeline → the frame of that instant presented (1080p main stream, keyframe every 2 s, paused, software decoding; each drag outside what the player had read)",
            samples.Describe(), "p95 ≤ 300 ms", samples.P95 <= 300);
    }
}
