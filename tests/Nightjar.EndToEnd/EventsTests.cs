using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nightjar.Recorder.Cameras;
using Nightjar.Recording;
using Nightjar.Recording.Events;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>
/// Events on the console with the mouse: the Events screen lists each walk with its thumbnail and opens Playback just
/// before it (the picture shown is from then, by the camera's own clock), Keep and Download work, and the Playback
/// Timeline marks the events and jumps between them.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class EventsTests(ConsoleBrowser browser, WalkingCameraFixture walking) : IClassFixture<WalkingCameraFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    private async Task<ConsolePage> OpenAsync(string path)
    {
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(walking.Recorder.ConsoleUrl, path + "?login=open"));
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();
        return console;
    }

    private static ILocator List(ConsolePage console) => console.Page.GetByRole(AriaRole.List, new() { Name = "Event list" });

    private async Task<IReadOnlyList<RecordedEvent>> EventsAsync() =>
        [.. (await walking.Recorder.Get<RecordingEngine>().Events.ListAsync(new EventFilter())).OrderBy(e => e.Start)];

    [Fact]
    public async Task TheEventsScreen_ListsEachWalkNewestFirst_WithItsThumbnail_AndOpensPlaybackJustBeforeIt()
    {
        var console = await OpenAsync("/events");
        var events = await EventsAsync();
        Assert.Equal(2, events.Count);

        var items = List(console).GetByRole(AriaRole.Listitem);
        await Expect(items).ToHaveCountAsync(2);
        await Expect(items.First).ToContainTextAsync("Front Door");
        await Expect(items.First).ToContainTextAsync("Motion");
        var thumbnail = items.First.Locator("img");
        await Expect(thumbnail).ToHaveJSPropertyAsync("naturalWidth", 320);
        await console.ScreenshotAsync("60-events");

        // Show People: nothing was recognised as a person (there is no detector yet), so nothing matches.
        await console.Page.GetByRole(AriaRole.Radiogroup, new() { Name = "Show" }).GetByRole(AriaRole.Radio, new() { Name = "People" }).ClickAsync();
        await Expect(console.Page.GetByText("No events match.")).ToBeVisibleAsync();
        await console.Page.GetByRole(AriaRole.Radiogroup, new() { Name = "Show" }).GetByRole(AriaRole.Radio, new() { Name = "All" }).ClickAsync();

        // The older walk: Playback opens 5 s before it, and the picture on screen is from then by the camera's clock.
        await items.Last.GetByRole(AriaRole.Button).First.ClickAsync();
        await console.Page.WaitForURLAsync(new Regex("/playback\\?camera=cfg0&at=\\d+"));
        await console.WaitUntilInteractiveAsync();
        var video = console.Page.Locator("video.playback-video");
        var expected = events[0].Start - EventIndex.ClipMargin;
        // The player says which instant it shows; once that is the one asked, the camera's own clock in the picture must agree.
        await console.Page.WaitForFunctionAsync("([v, at]) => v.dataset.presentedMs && Math.abs(Number(v.dataset.presentedMs) - at) < 2000",
            new object[] { await video.ElementHandleAsync(), expected.ToUnixTimeMilliseconds() }, new() { Timeout = 20_000 });
        var drawn = DateTimeOffset.FromUnixTimeMilliseconds(await video.EvaluateAsync<long>(TimeCode.ReadFromVideoScript));
        Assert.True((drawn - expected).Duration() < TimeSpan.FromSeconds(2), $"Playback shows {drawn:HH:mm:ss.fff}, not 5 s before the event ({expected:HH:mm:ss.fff}).");
    }

    [Fact]
    public async Task Keep_MarksTheEventKept_AndDownload_WritesItsClipToTheExports()
    {
        var console = await OpenAsync("/events");
        var item = List(console).GetByRole(AriaRole.Listitem).First;

        await item.GetByRole(AriaRole.Button, new() { Name = "Keep", Exact = true }).ClickAsync();
        await Expect(item.GetByRole(AriaRole.Button, new() { Name = "Kept", Exact = true })).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True((await EventsAsync())[^1].Kept);
        Assert.True(await walking.Recorder.Get<RecordingEngine>().Events.KeptBytesAsync() > 0);
        await item.GetByRole(AriaRole.Button, new() { Name = "Kept", Exact = true }).ClickAsync();
        await Expect(item.GetByRole(AriaRole.Button, new() { Name = "Keep", Exact = true })).ToBeVisibleAsync();

        await item.GetByRole(AriaRole.Button, new() { Name = "Download", Exact = true }).ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("exports folder");
        var exports = Path.Combine(walking.Recorder.DataDir, "exports");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!Directory.Exists(exports) || Directory.GetFiles(exports, "Front-Door_*.mp4").Length == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The clip was not written to the exports folder.");
            await Task.Delay(200);
        }

        var seconds = await Ffprobe.DurationAsync(Directory.GetFiles(exports, "Front-Door_*.mp4")[0]);
        Assert.InRange(seconds, 10, 20); // 5 s before, the walk and its quiet end, 5 s after

        // With the exports full, a clip is refused once planned, and the page says why.
        var filler = Path.Combine(exports, "filler.mp4");
        await using (var file = File.Create(filler))
        {
            file.SetLength(Nightjar.Recorder.Video.ExportsOptions.DefaultMaxBytes); // sparse
        }

        try
        {
            await item.GetByRole(AriaRole.Button, new() { Name = "Download", Exact = true }).ClickAsync();
            await Expect(console.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("The clip was not written: Exports are full");
        }
        finally
        {
            File.Delete(filler);
        }
    }

    [Fact]
    public async Task TheTimeline_MarksEachEvent_AndNextAndPreviousEventJumpToThem()
    {
        var console = await OpenAsync("/playback");
        var events = await EventsAsync();
        var timeline = console.Page.GetByRole(AriaRole.Slider, new() { Name = "Timeline" });
        await Expect(timeline).ToHaveAttributeAsync("data-position-ms", new Regex(@"^\d+$"));
        await Expect(timeline.Locator(".timeline-event")).ToHaveCountAsync(events.Count);

        // At the 10 min zoom, a click just after the second event; Previous Event goes back to it, then to the first.
        await console.Page.GetByRole(AriaRole.Group, new() { Name = "Zoom" }).GetByRole(AriaRole.Button, new() { Name = "10 min", Exact = true }).ClickAsync();
        await console.Page.WaitForFunctionAsync("t => Number(t.dataset.windowEnd) - Number(t.dataset.windowStart) === 600000", await timeline.ElementHandleAsync());
        await ClickTimelineAsync(timeline, console, events[1].End!.Value + TimeSpan.FromSeconds(2));
        await ExpectPositionAsync(timeline, events[1].End!.Value + TimeSpan.FromSeconds(2));
        await console.Button("Previous Event").ClickAsync();
        await ExpectPositionAsync(timeline, events[1].Start - EventIndex.ClipMargin);
        await console.Button("Previous Event").ClickAsync();
        await ExpectPositionAsync(timeline, events[0].Start - EventIndex.ClipMargin);
        await console.Button("Next Event").ClickAsync();
        await ExpectPositionAsync(timeline, events[1].Start - EventIndex.ClipMargin);
    }

    [Fact]
    public async Task TheCameraDialogsMotionArea_IsDrawnWithTheMouse_AndSavedWithSensitivityAndAlertOn()
    {
        await using var shed = await FakeCamera.StartAsync(gop: 15, walkEvery: 0);
        var catalog = walking.Recorder.Get<CameraCatalog>();
        var saved = await catalog.SaveAsync(null, new CameraForm("Shed", shed.Url("motion").AbsoluteUri, shed.Url("motion-sub").AbsoluteUri, "", "")
        {
            Motion = Nightjar.Recording.Motion.MotionSettings.Off,
        });
        var engine = walking.Recorder.Get<RecordingEngine>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (engine.Live(new StreamKey(saved.Saved!.Id, StreamKind.Main))?.LatestKeyframe() is null)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The shed camera did not start recording.");
            await Task.Delay(100);
        }

        var console = await OpenAsync("/cameras");
        try
        {
            await console.Button("Edit Shed").ClickAsync();
            var dialog = console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Camera" });
            var grid = dialog.GetByRole(AriaRole.Grid, new() { Name = "Motion Area" });
            await Expect(grid).ToHaveAttributeAsync("style", new Regex("/console/media/snapshot/" + saved.Saved!.Id));
            await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Detect Motion" })).Not.ToBeCheckedAsync();
            // The picture under the grid is the camera's latest (and, while a camera is offline, its last recorded one).
            foreach (var camera in new[] { saved.Saved!.Id, "cfg0" })
            {
                var picture = await console.Page.EvaluateAsync<string>(
                    "async id => { const r = await fetch('/console/media/snapshot/' + id); return r.status + ' ' + r.headers.get('content-type'); }", camera);
                Assert.Equal("200 image/jpeg", picture);
            }

            // A click switches one cell off; a drag from another paints a row of them off.
            await grid.GetByRole(AriaRole.Gridcell, new() { Name = "Row 1, column 1", Exact = true }).ClickAsync();
            var from = await grid.GetByRole(AriaRole.Gridcell, new() { Name = "Row 12, column 1", Exact = true }).BoundingBoxAsync();
            var to = await grid.GetByRole(AriaRole.Gridcell, new() { Name = "Row 12, column 16" }).BoundingBoxAsync();
            await console.Page.Mouse.MoveAsync(from!.X + (from.Width / 2), from.Y + (from.Height / 2));
            await console.Page.Mouse.DownAsync();
            await console.Page.Mouse.MoveAsync(to!.X + (to.Width / 2), to.Y + (to.Height / 2), new() { Steps = 30 });
            await console.Page.Mouse.UpAsync();
            await Expect(grid.GetByRole(AriaRole.Gridcell, new() { Name = "Row 12, column 9" })).ToHaveAttributeAsync("aria-pressed", "false");
            await dialog.GetByRole(AriaRole.Radiogroup, new() { Name = "Sensitivity" }).GetByRole(AriaRole.Radio, new() { Name = "High" }).ClickAsync();
            await dialog.GetByRole(AriaRole.Radiogroup, new() { Name = "Alert On" }).GetByRole(AriaRole.Radio, new() { Name = "People", Exact = true }).ClickAsync();
            await dialog.GetByRole(AriaRole.Radiogroup, new() { Name = "Minimum Score" }).GetByRole(AriaRole.Radio, new() { Name = "70 %" }).ClickAsync();
            await Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "People", Exact = true })).ToHaveAttributeAsync("aria-checked", "true");
            await console.ScreenshotAsync("61-camera-motion-area");
            await console.Button("Save").ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();

            var motion = (await catalog.ListAsync()).Single(c => c.Name == "Shed").Motion;
            Assert.False(motion.Enabled);
            Assert.Equal(Nightjar.Recording.Motion.MotionSensitivity.High, motion.Sensitivity);
            Assert.Equal((Nightjar.Recording.Motion.AlertOn.People, 0.7), (motion.AlertOn, motion.MinScore));
            Assert.False(motion.Area.IsOn(0, 0));
            Assert.All(Enumerable.Range(0, 16), column => Assert.False(motion.Area.IsOn(column, 11)));
            Assert.Equal(192 - 17, motion.Area.CountOn);
        }
        finally
        {
            await catalog.RemoveAsync(saved.Saved!.Id, deleteRecordings: true);
        }
    }

    [Fact]
    public async Task SettingsNotifications_SetsUpMqttWithTheKeyboard_AndSendTestReachesTheBroker()
    {
        await using var listener = await MqttListener.StartAsync(walking.Broker);
        var console = await OpenAsync("/settings/notifications");

        await console.TypeWithOnScreenKeyboardAsync("Broker", "127.0.0.1");
        await console.TypeWithOnScreenKeyboardAsync("Port", walking.Broker.Port.ToString(CultureInfo.InvariantCulture));
        await console.ReplaceWithOnScreenKeyboardAsync("Topic Prefix", "yard/nvr");
        await console.Button("Save").ClickAsync();
        await Expect(console.Page.GetByText("Saved.", new() { Exact = true })).ToBeVisibleAsync();
        await console.Button("Send Test MQTT").ClickAsync();

        await Expect(console.Page.GetByRole(AriaRole.Status, new() { Name = "Send Test MQTT result" })).ToHaveTextAsync("Test: Sent", new() { Timeout = 20_000 });
        var test = await listener.WaitForAsync(m => m.Topic == "yard/nvr/events", TimeSpan.FromSeconds(10), "for the test");
        Assert.Contains("test alert", test.Text, StringComparison.Ordinal);
        await Expect(console.Page.GetByRole(AriaRole.Table, new() { Name = "Deliveries" })).ToContainTextAsync("MQTT");
        await console.Button("Snooze Front Door").ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.List, new() { Name = "Snooze" })).ToContainTextAsync("Snoozed until");
        await console.ScreenshotAsync("62-settings-notifications");
        await console.Button("End Snooze of Front Door").ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.List, new() { Name = "Snooze" })).Not.ToContainTextAsync("Snoozed until");
    }

    private static async Task ClickTimelineAsync(ILocator timeline, ConsolePage console, DateTimeOffset at)
    {
        var start = long.Parse(await timeline.GetAttributeAsync("data-window-start") ?? "0", CultureInfo.InvariantCulture);
        var end = long.Parse(await timeline.GetAttributeAsync("data-window-end") ?? "0", CultureInfo.InvariantCulture);
        var box = await timeline.BoundingBoxAsync() ?? throw new InvalidOperationException("The timeline is not on screen.");
        var fraction = (at.ToUnixTimeMilliseconds() - start) / (double)(end - start);
        await console.Page.Mouse.ClickAsync((float)(box.X + (box.Width * fraction)), box.Y + (box.Height / 2));
    }

    private static async Task ExpectPositionAsync(ILocator timeline, DateTimeOffset at)
    {
        var expected = at.ToUnixTimeMilliseconds();
        await Expect(timeline).ToHaveAttributeAsync("data-position-ms", new Regex(@"^\d+$"));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        long shown;
        do
        {
            shown = long.Parse(await timeline.GetAttributeAsync("data-position-ms") ?? "0", CultureInfo.InvariantCulture);
            if (Math.Abs(shown - expected) < 1500)
            {
                return;
            }

            await Task.Delay(100);
        }
        while (waited.Elapsed < TimeSpan.FromSeconds(10));

        Assert.Fail($"The timeline shows {DateTimeOffset.FromUnixTimeMilliseconds(shown):HH:mm:ss.fff}, not {at:HH:mm:ss.fff}.");
    }
}
