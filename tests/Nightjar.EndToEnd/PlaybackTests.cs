using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nightjar.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>
/// Playback on the console with the mouse: a click on the timeline shows that very moment (the fake camera draws its
/// wall time into every picture, read back from the screen), play runs on across files, steps and speeds, and export.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class PlaybackTests(ConsoleBrowser browser, RecordedCameraFixture recorded, ITestOutputHelper output) : IClassFixture<RecordedCameraFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    private const string Video = "video.playback-video";

    private async Task<ConsolePage> OpenPlaybackAsync()
    {
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorded.Recorder.ConsoleUrl, "/playback?login=open"));
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();
        await Expect(console.Page.GetByRole(AriaRole.Region, new() { Name = "Playback" })).ToBeVisibleAsync();
        await Expect(Timeline(console)).ToHaveAttributeAsync("data-position-ms", new Regex(@"^\d+$"));
        return console;
    }

    private static ILocator Timeline(ConsolePage console) => console.Page.GetByRole(AriaRole.Slider, new() { Name = "Timeline" });

    private static ILocator Choice(ConsolePage console, string group, string name) =>
        console.Page.GetByRole(AriaRole.Group, new() { Name = group }).GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>Clicks the timeline where <paramref name="at"/> is; returns the instant the click chose.</summary>
    private static async Task<long> ClickTimelineAsync(ConsolePage console, DateTimeOffset at)
    {
        var timeline = Timeline(console);
        var start = long.Parse(await timeline.GetAttributeAsync("data-window-start") ?? "0", CultureInfo.InvariantCulture);
        var end = long.Parse(await timeline.GetAttributeAsync("data-window-end") ?? "0", CultureInfo.InvariantCulture);
        var box = await timeline.BoundingBoxAsync() ?? throw new InvalidOperationException("The timeline is not on screen.");
        var fraction = (at.ToUnixTimeMilliseconds() - start) / (double)(end - start);
        await console.Page.Mouse.ClickAsync((float)(box.X + (box.Width * fraction)), box.Y + (box.Height / 2));
        return long.Parse(await timeline.GetAttributeAsync("data-position-ms") ?? "0", CultureInfo.InvariantCulture);
    }

    /// <summary>The wall time of the frame on screen as the player maps it (null before the first).</summary>
    private static async Task<long?> PresentedAsync(ConsolePage console) =>
        await console.Page.Locator(Video).EvaluateAsync<long?>("v => v.dataset.presentedMs ? Number(v.dataset.presentedMs) : null");

    /// <summary>The wall time the camera drew into the frame on screen.</summary>
    private static async Task<long> DrawnAsync(ConsolePage console) =>
        await console.Page.Locator(Video).EvaluateAsync<long>(TimeCode.ReadFromVideoScript);

    private static async Task WaitUntilShownAsync(ConsolePage console, long at, int withinMs = 500) =>
        await console.Page.WaitForFunctionAsync(
            "([selector, at, within]) => { const v = document.querySelector(selector); return v && v.dataset.presentedMs && Math.abs(Number(v.dataset.presentedMs) - at) < within; }",
            new object[] { Video, at, withinMs }, new() { Timeout = 20_000 });

    /// <summary>Checks the frame on screen: the camera's drawn time is where the player says it is.</summary>
    private async Task<long> AssertTheFrameShownIsAsync(ConsolePage console, long expected)
    {
        var drawn = await DrawnAsync(console);
        var presented = await PresentedAsync(console) ?? 0;
        output.WriteLine($"expected {expected}, presented {presented} ({presented - expected:+0;-0} ms), drawn {drawn} ({drawn - expected:+0;-0} ms)");
        // The camera's drawn clock and the recorder's wall time differ by the camera's own delay (its encoder, beside the
        // whole suite on two cores: up to a few hundred ms); a wrong frame is seconds off.
        Assert.InRange(drawn - expected, -500, 500);
        Assert.InRange(presented - drawn, -500, 500);
        return drawn;
    }

    [Fact]
    public async Task AClickOnTheTimeline_ShowsThatMoment_AndPlayRunsOnAcrossFiles()
    {
        var console = await OpenPlaybackAsync();
        await Choice(console, "Zoom", "10 min").ClickAsync();
        await Expect(Choice(console, "Zoom", "10 min")).ToHaveAttributeAsync("aria-pressed", "true");
        await console.Button("Pause").ClickAsync();
        await Expect(console.Button("Play")).ToBeVisibleAsync();

        var target = await ClickTimelineAsync(console, TimeProvider.System.GetUtcNow().AddSeconds(-28));
        await WaitUntilShownAsync(console, target);
        await AssertTheFrameShownIsAsync(console, target);
        // The screen says which time it shows, in words as well as by the thumb.
        var seconds = new[] { -1000, 0, 1000 }.Select(d => DateTimeOffset.FromUnixTimeMilliseconds(target + d).ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        await Expect(console.Page.GetByRole(AriaRole.Status, new() { Name = "Time shown" })).ToHaveTextAsync(new Regex($"^({string.Join('|', seconds)})$"));
        await console.ScreenshotAsync("53-playback");

        // Thirteen seconds of play cross at least one file boundary (files of ten seconds), without a stall.
        await console.Button("Play").ClickAsync();
        var started = await PresentedAsync(console) ?? 0;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        long last = started, longestStall = 0, sinceChange = 0;
        for (var sample = 0; sample < 26; sample++)
        {
            await Task.Delay(500);
            var now = await PresentedAsync(console) ?? 0;
            sinceChange = now == last ? sinceChange + 500 : 0;
            longestStall = Math.Max(longestStall, sinceChange);
            last = now;
        }

        var played = (last - started) / wall.Elapsed.TotalMilliseconds;
        output.WriteLine($"played {last - started} ms in {wall.ElapsedMilliseconds} ms, longest stall {longestStall} ms");
        Assert.True(longestStall < 1500, $"playback stalled for {longestStall} ms");
        Assert.InRange(played, 0.8, 1.1); // at 1×, give or take the sampling
        await console.Button("Pause").ClickAsync();
        await Task.Delay(300);
        await AssertTheFrameShownIsAsync(console, await PresentedAsync(console) ?? 0);
    }

    [Fact]
    public async Task Back10s_ShowsTenSecondsEarlier_And2x_PlaysTwiceAsFast()
    {
        var console = await OpenPlaybackAsync();
        await Choice(console, "Zoom", "10 min").ClickAsync();
        await Expect(Choice(console, "Zoom", "10 min")).ToHaveAttributeAsync("aria-pressed", "true"); // the window the click is measured in
        await console.Button("Pause").ClickAsync();
        await Expect(console.Button("Play")).ToBeVisibleAsync();
        var target = await ClickTimelineAsync(console, TimeProvider.System.GetUtcNow().AddSeconds(-20));
        await WaitUntilShownAsync(console, target);

        await console.Button("Back 10 s").ClickAsync();
        await WaitUntilShownAsync(console, target - 10_000);
        await AssertTheFrameShownIsAsync(console, target - 10_000);

        await Choice(console, "Speed", "2×").ClickAsync();
        await console.Button("Play").ClickAsync();
        await Task.Delay(1000);
        var from = await PresentedAsync(console) ?? 0;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(4000);
        var to = await PresentedAsync(console) ?? 0;
        output.WriteLine($"at 2×: {to - from} ms of video in {wall.ElapsedMilliseconds} ms");
        Assert.InRange((to - from) / wall.Elapsed.TotalMilliseconds, 1.6, 2.2);
    }

    [Fact]
    public async Task Export_WithTheOnScreenKeyboard_WritesAFileOfThatSpan()
    {
        // The span below ends 5 s ago and is 15 s long, on the day the screen shows: within a minute of local midnight
        // it would cross into another day's timeline, so wait until the new day has 25 s of recording.
        var now = TimeProvider.System.GetLocalNow();
        var midnight = new DateTimeOffset(now.Date.AddDays(1), now.Offset);
        if (midnight - now < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(midnight - now + TimeSpan.FromSeconds(25));
        }

        var console = await OpenPlaybackAsync();
        await console.Button("Export").ClickAsync();
        var dialog = console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Export" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(console.Field("From")).ToHaveValueAsync(new Regex(@"^\d\d:\d\d:\d\d$"));

        var to = TimeProvider.System.GetLocalNow().AddSeconds(-5);
        var from = to.AddSeconds(-15);
        Assert.Equal(from.Date, to.Date);

        // A time gets a time's keyboard: digits and ':', no letters to page through.
        await console.Field("From").ClickAsync();
        await Expect(console.Button(":")).ToBeVisibleAsync();
        await Expect(console.Button("a")).ToHaveCountAsync(0);
        await console.CloseKeyboardByClickingBelowAsync();

        await console.ReplaceWithOnScreenKeyboardAsync("From", from.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        await console.ReplaceWithOnScreenKeyboardAsync("To", to.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Export", Exact = true }).ClickAsync();

        var written = dialog.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex("^Written to ") });
        await Expect(written).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await console.ScreenshotAsync("54-export");
        var path = (await written.TextContentAsync() ?? "")["Written to ".Length..];
        Assert.StartsWith(Path.Combine(recorded.Recorder.DataDir, "exports"), path, StringComparison.Ordinal);
        var seconds = await Ffprobe.DurationAsync(path);
        output.WriteLine($"exported {path}: {seconds:0.000} s");
        Assert.InRange(seconds, 14.9, 16.1); // from the keyframe at or before From (one a second) to To

        // Against what was recorded, not against itself: the recorded files' frames (each file's times start at 0 at its
        // start) from the keyframe at or before From, as typed, to To are the export's, and its first picture is the
        // camera's at that keyframe by the clock it drew.
        var asked = (From: Whole(from), To: Whole(to));
        var engine = recorded.Recorder.Get<Nightjar.Recording.RecordingEngine>();
        var main = new Nightjar.Recording.StreamKey(RecordedCamera.CameraId, Nightjar.Recording.StreamKind.Main);
        var frames = new List<(DateTimeOffset At, bool Keyframe)>();
        foreach (var file in await engine.Index.GetRecordingsAsync(main, asked.From.AddMinutes(-1), asked.To))
        {
            var probe = await Ffprobe.ProbeAsync(engine.Layout.FullPath(file.Path));
            frames.AddRange(probe.VideoPackets.Select(p => (file.Start.AddSeconds(p.DtsTime), p.IsKeyframe)));
        }

        var first = frames.Where(f => f.Keyframe && f.At <= asked.From).Max(f => f.At);
        var recordedFrames = frames.Count(f => f.At >= first && f.At < asked.To);
        var exported = await Ffprobe.ProbeAsync(path);
        output.WriteLine($"recorded frames {recordedFrames} from {first:HH:mm:ss.fff}, exported {exported.VideoPackets.Count}");
        Assert.InRange(exported.VideoPackets.Count, recordedFrames - 1, recordedFrames + 1); // a frame at To itself either way
        var drawn = TimeCode.Read(await Ffprobe.GrayPictureAsync(await File.ReadAllBytesAsync(path)), 640);
        Assert.InRange((drawn - first).TotalMilliseconds, -500, 500);
    }

    /// <summary>A time as typed into From and To: whole seconds.</summary>
    private static DateTimeOffset Whole(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerSecond));

    [Fact]
    public async Task AnExportThatEndsBeforeItStarts_IsRefusedWithAPlainMessage()
    {
        var console = await OpenPlaybackAsync();
        await console.Button("Export").ClickAsync();
        var dialog = console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Export" });
        await console.Field("From").FillAsync("12:00:00");
        await console.Field("To").FillAsync("11:00:00");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Export", Exact = true }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("To must be after From.");
        await console.Field("To").FillAsync("half past");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Export", Exact = true }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("Type From and To as HH:MM:SS");
    }

    [Fact]
    public async Task TheCalendar_MarksTheDaysWithRecordings()
    {
        var console = await OpenPlaybackAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Date", Exact = true }).ClickAsync();

        // The month of the day shown (the latest recording's: today) with that day marked, and a day three or more away
        // not (the fixture's recordings began a minute ago, perhaps just before midnight).
        var dateButton = console.Page.GetByRole(AriaRole.Button, new() { Name = "Date", Exact = true });
        var shown = DateOnly.ParseExact(await dateButton.InnerTextAsync(), "ddd d MMM yyyy", CultureInfo.InvariantCulture);
        var other = shown.Day <= 3 ? shown.AddDays(3) : new DateOnly(shown.Year, shown.Month, 1);
        static string Label(DateOnly day) => day.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
        await Expect(console.Button(Label(shown) + ", has recordings")).ToBeVisibleAsync();
        await Expect(console.Button(Label(other))).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheExportDialog_ListsFinishedExports_WithTheirSize_CopiesOneToAUsbStick_AndDeleteRemovesOne()
    {
        // A stick the system mounted under the USB folder (a real small disk; mounting needs root, as CI runs).
        await using var stick = await TinyDisk.MountAsync(megabytes: 16, at: Path.Combine(recorded.Recorded.UsbFolder, "KINGSTON"));
        var exports = recorded.Recorder.Get<Nightjar.Recorder.Video.Exports>();
        var now = TimeProvider.System.GetUtcNow();
        var (job, error) = await exports.StartAsync(new Nightjar.Recording.StreamKey(RecordedCamera.CameraId, Nightjar.Recording.StreamKind.Main), "Front Door", now.AddSeconds(-8), now.AddSeconds(-4));
        Assert.True(job is not null, error);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (exports.Recent.First(j => j.Id == job.Id) is { Finished: false })
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The export did not end.");
            await Task.Delay(100);
        }

        var file = Assert.Single(exports.List(), e => e.Name == job.FileName);
        var console = await OpenPlaybackAsync();
        await console.Button("Export").ClickAsync();
        var dialog = console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Export" });
        var row = dialog.GetByRole(AriaRole.Table, new() { Name = "Exports" }).GetByRole(AriaRole.Row).Filter(new() { HasText = job.FileName });
        await Expect(row).ToContainTextAsync(Nightjar.Recorder.Video.ExportsRoom.Size(file.Bytes));
        await console.ScreenshotAsync("55-exports-list");

        var usb = dialog.GetByRole(AriaRole.Status, new() { Name = "USB copy" });
        if (stick.Mounted)
        {
            await row.GetByRole(AriaRole.Button, new() { Name = $"Copy {job.FileName} to KINGSTON", Exact = true }).ClickAsync();
            await Expect(usb).ToHaveTextAsync($"Copied to KINGSTON (Nightjar/{job.FileName}). The stick can be taken out.");
            Assert.Equal(
                await File.ReadAllBytesAsync(Path.Combine(exports.Folder, job.FileName)),
                await File.ReadAllBytesAsync(Path.Combine(stick.Path, "Nightjar", job.FileName)));
        }
        else
        {
            await Expect(dialog.GetByText("To take an export off the box, put in a USB stick")).ToBeVisibleAsync();
        }

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();

        await Expect(row).ToHaveCountAsync(0);
        Assert.False(File.Exists(Path.Combine(exports.Folder, job.FileName)));
        await Expect(dialog.GetByText("Written to " + Path.Combine(exports.Folder, job.FileName))).ToHaveCountAsync(0); // nor said to be there
    }
}
