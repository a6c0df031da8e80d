using Microsoft.Playwright;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>Live video on the box's screen: sub-streams in the grid, the main stream full screen, layouts, H.265.</summary>
[Collection(SharedBrowser.Name)]
public sealed class LiveViewTests(ConsoleBrowser browser, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    private const string FramesShownScript =
        "([selector, count]) => Number(document.querySelector(selector)?.dataset.framesPresented ?? 0) >= count";

    private static async Task<TestRecorder> StartRecordingAsync(params string[] args)
    {
        var recorder = await TestRecorder.StartAsync(args);
        await recorder.CompleteSetupAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        StreamStatus? status;
        while ((status = recorder.Get<RecordingEngine>().Status(new StreamKey("cfg0", StreamKind.Main)))?.State != StreamState.Recording)
        {
            // Several recorder connections asking the fake camera's shared encoder at once can be refused while it
            // starts; the recorder retries with its back-off, so give it time.
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(45), $"The camera did not start recording: {status?.State} {status?.Text}");
            await Task.Delay(100);
        }

        return recorder;
    }

    /// <summary>The live view logged in, or (<paramref name="logIn"/> false) locked on the box's own screen: its browser started by the kiosk launcher.</summary>
    private async Task<ConsolePage> OpenLiveViewAsync(TestRecorder recorder, bool logIn)
    {
        var console = new ConsolePage(await browser.NewPageAsync());
        if (!logIn)
        {
            await OpenAsTheKioskAsync(console, recorder);
            return console;
        }

        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/?login=open"));
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();
        return console;
    }

    /// <summary>What deploy/nightjar-kiosk.service does: the launcher's start page posts the kiosk secret, and the page goes on to the live view.</summary>
    private static async Task OpenAsTheKioskAsync(ConsolePage console, TestRecorder recorder)
    {
        await console.Page.GotoAsync((await KioskLauncher.StartPageAsync(recorder)).AbsoluteUri);
        try
        {
            await console.Page.WaitForURLAsync(new Uri(recorder.ConsoleUrl, "/").AbsoluteUri);
        }
        catch (TimeoutException ex)
        {
            // Where the page went instead, and what it says, is what the next look needs (it timed out once in CI).
            string text;
            try
            {
                text = await console.Page.Locator("body").InnerTextAsync(new() { Timeout = 2000 });
            }
            catch (Exception bodyGone) when (bodyGone is TimeoutException or PlaywrightException)
            {
                text = "(nothing)";
            }

            throw new TimeoutException($"The kiosk's start page did not reach the live view: the page is at {console.Page.Url}, showing: {text}", ex);
        }

        await console.WaitUntilInteractiveAsync();
    }

    /// <summary>Waits until the video matching <paramref name="selector"/> has put <paramref name="frames"/> frames on screen.</summary>
    private static async Task WaitForFramesAsync(ConsolePage console, string selector, int frames) =>
        await console.Page.WaitForFunctionAsync(FramesShownScript, new object[] { selector, frames }, new() { Timeout = 20_000 });

    [Fact]
    public async Task TheGrid_PlaysTheSubStream_AndADoubleClickFillsTheScreenWithTheMainStream_AndBack()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await StartRecordingAsync(
            "--Nightjar:Cameras:0:Name=Porch", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}",
            "--Nightjar:Cameras:1:Name=Drive", $"--Nightjar:Cameras:1:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:1:SubStreamUrl={camera.Url("sub")}");
        var console = await OpenLiveViewAsync(recorder, logIn: false); // the locked box's own screen shows live video

        // Every tile plays: frames presented, time advancing, at the sub-stream's size.
        const string sub = "video[data-live-src$='stream=sub']";
        foreach (var id in new[] { "cfg0", "cfg1" })
        {
            var tile = $"video[data-live-src='/console/media/live/{id}?stream=sub']";
            await WaitForFramesAsync(console, tile, 50);
            var video = console.Page.Locator(tile);
            Assert.Equal(320, await video.EvaluateAsync<int>("v => v.videoWidth"));
            var before = await video.EvaluateAsync<double>("v => v.currentTime");
            await Task.Delay(1000);
            Assert.True(await video.EvaluateAsync<double>("v => v.currentTime") > before + 0.5, $"{id}: the video's time does not advance");
        }

        await Expect(console.Page.GetByText("No camera")).ToHaveCountAsync(2);
        await console.ScreenshotAsync("50-live-view");

        await console.Page.GetByRole(AriaRole.Region, new() { Name = "Porch" }).DblClickAsync();
        const string main = "video[data-live-src$='stream=main']";
        await WaitForFramesAsync(console, main, 25);
        Assert.Equal(640, await console.Page.Locator(main).EvaluateAsync<int>("v => v.videoWidth"));
        await Expect(console.Page.GetByText("No camera")).ToHaveCountAsync(0);
        await AssertFillsTheGridAsync(console, "Porch");
        await console.ScreenshotAsync("51-live-full-screen");

        await console.Page.GetByRole(AriaRole.Region, new() { Name = "Porch" }).DblClickAsync();
        await WaitForFramesAsync(console, sub, 25);
        await Expect(console.Page.GetByText("No camera")).ToHaveCountAsync(2);

        var stats = await console.Page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.nightjarLive.stats()");
        output.WriteLine($"live players: {stats}");
    }

    [Fact]
    public async Task TheLockedLiveView_PlaysOnlyOnTheKiosksOwnBrowser_AnyOtherSaysLogInToWatch()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await StartRecordingAsync(
            "--Nightjar:Cameras:0:Name=Porch", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}");

        // Another browser on the box (any local program): the tile is named, without a video or the camera's id.
        var other = new ConsolePage(await browser.NewPageAsync());
        await other.OpenAsync(recorder.ConsoleUrl);
        var tile = other.Page.GetByRole(AriaRole.Region, new() { Name = "Porch" });
        await Expect(tile.GetByRole(AriaRole.Status)).ToHaveTextAsync("Log in to watch");
        await Expect(other.Page.Locator("video")).ToHaveCountAsync(0);
        Assert.DoesNotContain("cfg0", await other.Page.ContentAsync(), StringComparison.Ordinal);

        // The kiosk's browser, started by its launcher, plays it.
        var kiosk = await OpenLiveViewAsync(recorder, logIn: false);
        await WaitForFramesAsync(kiosk, "video[data-live-src='/console/media/live/cfg0?stream=sub']", 10);
    }

    [Fact]
    public async Task TheLayoutButton_Shows1_4_9Or16Tiles_AndOneTilePlaysTheMainStream_FillingTheScreen()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await StartRecordingAsync(
            "--Nightjar:Cameras:0:Name=Yard", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}");
        var console = await OpenLiveViewAsync(recorder, logIn: false);

        // Chosen while locked: the login asks for the password, and the choice is made once it succeeds.
        await ChooseLayoutAsync(console, "9 cameras");
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();
        await Expect(console.Page.GetByText("No camera")).ToHaveCountAsync(8);

        foreach (var (choice, empty) in new[] { ("16 cameras", 15), ("1 camera", 0), ("4 cameras", 3) })
        {
            await ChooseLayoutAsync(console, choice);
            await Expect(console.Page.GetByText("No camera")).ToHaveCountAsync(empty);
            if (choice == "16 cameras")
            {
                await WaitForFramesAsync(console, "video[data-live-src$='stream=sub']", 10);
                await console.ScreenshotAsync("52-live-view-16");
            }
            else if (choice == "1 camera")
            {
                await WaitForFramesAsync(console, "video[data-live-src$='stream=main']", 10);
                Assert.Equal(640, await console.Page.Locator("video[data-live-src$='stream=main']").EvaluateAsync<int>("v => v.videoWidth"));
                await AssertFillsTheGridAsync(console, "Yard");
            }
        }

        await WaitForFramesAsync(console, "video[data-live-src$='stream=sub']", 10);

        // The choice is kept: a reload shows the same layout.
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/"));
        await Expect(console.Page.GetByText("No camera")).ToHaveCountAsync(3);
    }

    private static async Task ChooseLayoutAsync(ConsolePage console, string choice)
    {
        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Layout", Exact = true }).ClickAsync();
        await console.Menu.GetByRole(AriaRole.Group, new() { Name = "Layouts" }).GetByRole(AriaRole.Button, new() { Name = choice, Exact = true }).ClickAsync();
    }

    /// <summary>The camera's tile takes the whole grid below the header, not one quarter of it.</summary>
    private static async Task AssertFillsTheGridAsync(ConsolePage console, string camera)
    {
        var tile = await console.Page.GetByRole(AriaRole.Region, new() { Name = camera, Exact = true }).BoundingBoxAsync();
        var grid = await console.Page.Locator(".channel-grid").BoundingBoxAsync();
        Assert.True(tile is not null && grid is not null && tile.Width >= grid.Width - 12 && tile.Height >= grid.Height - 12,
            $"The tile is {tile?.Width}×{tile?.Height} in a grid of {grid?.Width}×{grid?.Height}.");
    }

    [Fact]
    public async Task AnH265Camera_IsRecorded_AndItsTileSaysThisScreenCannotShowIt()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await StartRecordingAsync("--Nightjar:Cameras:0:Name=Garden", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("h265")}");
        var console = await OpenLiveViewAsync(recorder, logIn: false);

        var tile = console.Page.GetByRole(AriaRole.Region, new() { Name = "Garden" });
        await Expect(tile.GetByRole(AriaRole.Status)).ToHaveTextAsync("H.265: this screen cannot show it (recording goes on)");
        await Expect(tile.GetByRole(AriaRole.Img, new() { Name = "Recording" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AnH265CameraWithAnH264SubStream_PlaysItsSubStreamInTheGrid_AndSaysWhyFullScreenCannot()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await StartRecordingAsync(
            "--Nightjar:Cameras:0:Name=Garden", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("h265")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}");
        var console = await OpenLiveViewAsync(recorder, logIn: false);

        // What the camera dialog's Test advises for an H.265 camera: its H.264 sub-stream plays in the grid.
        await WaitForFramesAsync(console, "video[data-live-src='/console/media/live/cfg0?stream=sub']", 25);
        var tile = console.Page.GetByRole(AriaRole.Region, new() { Name = "Garden" });
        await Expect(tile).Not.ToContainTextAsync("H.265");

        await tile.DblClickAsync();
        await Expect(tile.GetByRole(AriaRole.Status)).ToHaveTextAsync("H.265: this screen cannot show it (recording goes on)");
        await Expect(console.Page.Locator("video[data-live-src$='stream=main']")).ToHaveCountAsync(0);
    }
}
