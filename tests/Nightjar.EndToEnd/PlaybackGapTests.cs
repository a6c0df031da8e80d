using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>A time in a gap of the recordings: the player shows what comes after it, and says on screen what was not recorded and why.</summary>
[Collection(SharedBrowser.Name)]
public sealed class PlaybackGapTests(ConsoleBrowser browser) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    [Fact]
    public async Task ATimeInAGap_ShowsWhatComesAfterIt_AndSaysWhatWasNotRecordedAndWhy()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await TestRecorder.StartAsync("--Nightjar:Cameras:0:Name=Porch", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}");
        await recorder.CompleteSetupAsync();
        var engine = recorder.Get<RecordingEngine>();
        var main = new StreamKey("cfg0", StreamKind.Main);
        await WaitForAsync(() => engine.Status(main)?.State == StreamState.Recording, "recording");
        await Task.Delay(6000);
        await camera.KillAsync(); // the camera goes away for a few seconds
        await WaitForAsync(() => engine.Status(main)?.State == StreamState.Offline, "offline");
        await Task.Delay(4000);
        await camera.RestartAsync();
        await WaitForAsync(() => engine.Status(main)?.State == StreamState.Recording, "recording again");
        await Task.Delay(8000);
        var gap = (await engine.GetTimelineAsync(main, TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow())).Gaps.Single();

        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/playback?login=open"));
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();
        var timeline = console.Page.GetByRole(AriaRole.Slider, new() { Name = "Timeline" });
        await Expect(console.Page.GetByRole(AriaRole.Region, new() { Name = "Playback" })).ToBeVisibleAsync();
        // The page opens near the end of the recordings, close to the gap: the time shown is there all the same.
        await Expect(timeline).ToHaveAttributeAsync("data-position-ms", new Regex(@"^\d+$"), new() { Timeout = 15_000 });
        var zoom = console.Page.GetByRole(AriaRole.Group, new() { Name = "Zoom" }).GetByRole(AriaRole.Button, new() { Name = "10 min", Exact = true });
        await zoom.ClickAsync();
        await Expect(zoom).ToHaveAttributeAsync("aria-pressed", "true");
        await console.Button("Pause").ClickAsync();
        await Expect(timeline.Locator(".timeline-gap")).ToHaveCountAsync(1);

        // A click inside the gap: the picture shown is the first after it, and the screen says what was not recorded and why.
        var start = long.Parse(await timeline.GetAttributeAsync("data-window-start") ?? "0", CultureInfo.InvariantCulture);
        var end = long.Parse(await timeline.GetAttributeAsync("data-window-end") ?? "0", CultureInfo.InvariantCulture);
        var box = await timeline.BoundingBoxAsync() ?? throw new InvalidOperationException("The timeline is not on screen.");
        var middle = gap.Start + ((gap.End - gap.Start) / 2);
        var fraction = (middle.ToUnixTimeMilliseconds() - start) / (double)(end - start);
        await console.Page.Mouse.ClickAsync((float)(box.X + (box.Width * fraction)), box.Y + (box.Height / 2));

        var said = console.Page.Locator("#playback-message");
        await Expect(said).ToHaveTextAsync(new Regex($"^Not recorded .+–.+: {Regex.Escape(gap.Reason!)}\\. Playing on from .+\\.$"), new() { Timeout = 15_000 });
        await console.Page.WaitForFunctionAsync(
            "after => { const v = document.querySelector('video.playback-video'); return v && Number(v.dataset.presentedMs) >= after; }",
            gap.End.ToUnixTimeMilliseconds() - 100);
        await console.ScreenshotAsync("54-playback-gap");
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        for (var waited = 0; waited < 300 && !condition(); waited++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), $"not {what} within 30 s");
    }
}
