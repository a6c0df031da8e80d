using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nightjar.Recording;
using Nightjar.Recording.Events;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>
/// The web app on a phone (390×844, touch) against the real server on its API listener and the fake camera: Log In,
/// the live grid playing, a tap filling the screen with the main stream (the picture's own clock says it is live), the
/// Events list with thumbnails, a clip and Keep, still pictures where a browser cannot play live video, and Log Out.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class WebAppTests(ConsoleBrowser browser, WebAppFixture fixture) : IClassFixture<WebAppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    private Task<IPage> LogInAsync(string? beforeScripts = null) => LogInAsync(browser.Browser, beforeScripts);

    private async Task<IPage> LogInAsync(IBrowser chromium, string? beforeScripts = null)
    {
        var page = await PhoneBrowser.NewPageAsync(chromium, beforeScripts);
        page.Dialog += (_, dialog) => Assert.Fail($"The page opened a dialog: {dialog.Message}");
        await page.GotoAsync(fixture.Recorder.ApiUrl.ToString());
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Log In" });
        await form.GetByLabel("User Name").FillAsync(Recorder.Accounts.AdminAccount.UserName);
        await form.GetByLabel("Password", new() { Exact = true }).FillAsync(TestRecorder.AdminPassword);
        await form.GetByRole(AriaRole.Button, new() { Name = "Log In" }).TapAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Places" })).ToBeVisibleAsync();
        return page;
    }

    private static Task<byte[]> ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleBrowser.ScreenshotFolder, name + ".png") });

    [Fact]
    public async Task AWrongPassword_IsSaidOnTheLoginForm_AndNothingElseOpens()
    {
        var page = await PhoneBrowser.NewPageAsync(browser);
        await page.GotoAsync(fixture.Recorder.ApiUrl.ToString());
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Log In" });
        await form.GetByLabel("User Name").FillAsync("admin");
        await form.GetByLabel("Password", new() { Exact = true }).FillAsync("not-the-password");
        await form.GetByRole(AriaRole.Button, new() { Name = "Log In" }).TapAsync();
        await Expect(form.GetByRole(AriaRole.Status)).ToHaveTextAsync("Wrong user name or password.");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Places" })).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "web-01-login");
    }

    [Fact]
    public async Task Live_OnAPhone_PlaysEveryTile_AndATapFillsTheScreenWithTheMainStream_ShowingNow()
    {
        var page = await LogInAsync();
        var tiles = page.Locator(".grid .tile");
        await Expect(tiles).ToHaveCountAsync(2);

        // The camera named with markup is shown as its text: no element made of it, no script run (a dialog fails the test).
        var hostile = page.GetByRole(AriaRole.Button, new() { Name = WebAppFixture.HostileName, Exact = true });
        await Expect(hostile.Locator(".tile-name")).ToHaveTextAsync(WebAppFixture.HostileName);
        Assert.Equal(0, await page.Locator(".grid img:not(.still)").CountAsync());

        // The grid plays the sub-stream where there is one, the main stream where not.
        var front = page.GetByRole(AriaRole.Button, new() { Name = "Front Door", Exact = true });
        await Expect(front.Locator("video")).ToHaveAttributeAsync("data-live-src", new Regex("stream=sub"));
        await Expect(hostile.Locator("video")).ToHaveAttributeAsync("data-live-src", new Regex("stream=main"));
        foreach (var video in await page.Locator(".grid video").AllAsync())
        {
            await page.WaitForFunctionAsync("v => Number(v.dataset.framesPresented || 0) > 5", await video.ElementHandleAsync());
        }

        await AssertFitsAPhoneAsync(page);
        await ScreenshotAsync(page, "web-02-live");

        await front.TapAsync();
        var full = page.GetByRole(AriaRole.Dialog, new() { Name = "Front Door" });
        var big = full.Locator("video");
        await Expect(big).ToHaveAttributeAsync("data-live-src", new Regex("stream=main"));
        await page.WaitForFunctionAsync("v => Number(v.dataset.framesPresented || 0) > 5 && v.videoWidth === 640", await big.ElementHandleAsync());
        var drawn = DateTimeOffset.FromUnixTimeMilliseconds(await big.EvaluateAsync<long>(TimeCode.ReadFromVideoScript));
        var lag = TimeProvider.System.GetUtcNow() - drawn;
        Assert.True(lag < TimeSpan.FromSeconds(3), $"The full-screen picture shows {drawn:HH:mm:ss.fff}, {lag.TotalSeconds:F1} s behind now.");
        // While one camera fills the screen, the grid's players rest.
        Assert.Equal(0, await page.Locator(".grid video[data-live-src]").CountAsync());
        await ScreenshotAsync(page, "web-03-full");

        await full.GetByRole(AriaRole.Button, new() { Name = "Close" }).TapAsync();
        await Expect(full).ToHaveCountAsync(0);
        await Expect(page.Locator(".grid video[data-live-src]")).ToHaveCountAsync(2);
    }

    /// <summary>
    /// This Chromium has no push service, so "Alerts on This Device" must say it could not subscribe rather than look
    /// on; the service worker it started is then handed a push message as a push service would hand it (CDP), and the
    /// notification it shows carries the recorder's words and the event's picture, fetched from the recorder.
    /// </summary>
    [Fact]
    public async Task AlertsOnThisDevice_SaysWhyItCannotSubscribeHere_AndTheServiceWorkerShowsAPushWithItsPicture()
    {
        await fixture.Camera.WaitForHappeningAsync(SceneHappening.Walk, 0, TimeSpan.FromSeconds(60));
        var engine = fixture.Recorder.Get<RecordingEngine>();
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(30);
        while ((await engine.Events.ListAsync(new EventFilter())).All(e => e.ThumbnailPath is null) && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(500);
        }

        var pictured = (await engine.Events.ListAsync(new EventFilter())).First(e => e.ThumbnailPath is not null);
        var origin = fixture.Recorder.ApiUrl.GetLeftPart(UriPartial.Authority);

        // The box's own certificate, clicked through: no service worker, and the switch says so.
        var page = await LogInAsync();
        await page.Context.GrantPermissionsAsync(["notifications"], new() { Origin = origin });
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Places" }).GetByRole(AriaRole.Button, new() { Name = "Events" }).TapAsync();
        await page.GetByRole(AriaRole.Switch, new() { Name = "Alerts on This Device" }).TapAsync();
        await Expect(page.Locator(".alerts-said")).ToContainTextAsync("Alerts need a certificate the browser trusts");

        // A browser that trusts the recorder's certificate (as with the owner's own): the worker starts, and this Chromium,
        // which has no push service, says it could not subscribe.
        var spki = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(
            fixture.Recorder.Get<Recorder.Hosting.DeviceCertificate>().Certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        await using var trusting = await browser.LaunchAnotherAsync($"--ignore-certificate-errors-spki-list={spki}");
        page = await LogInAsync(trusting);
        await page.Context.GrantPermissionsAsync(["notifications"], new() { Origin = origin });
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Places" }).GetByRole(AriaRole.Button, new() { Name = "Events" }).TapAsync();
        await page.GetByRole(AriaRole.Switch, new() { Name = "Alerts on This Device" }).TapAsync();
        await Expect(page.Locator(".alerts-said")).ToContainTextAsync("could not subscribe at its push service");
        await Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Alerts on This Device" })).ToHaveAttributeAsync("aria-checked", "false");

        var cdp = await page.Context.NewCDPSessionAsync(page);
        var registration = new TaskCompletionSource<string>();
        cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, update) =>
        {
            foreach (var r in update!.Value.GetProperty("registrations").EnumerateArray())
            {
                if (r.GetProperty("scopeURL").GetString() == origin + "/app/" && !r.GetProperty("isDeleted").GetBoolean())
                {
                    registration.TrySetResult(r.GetProperty("registrationId").GetString()!);
                }
            }
        };
        await cdp.SendAsync("ServiceWorker.enable");
        var registrationId = await registration.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var alert = System.Text.Json.JsonSerializer.Serialize(new Contracts.PushNotification("Motion: Front Door", "Nightjar", "event-" + pictured.Id, "/#events",
            $"/api/v1/events/{pictured.Id}/thumbnail.jpg", pictured.Start), Recorder.Events.EventJson.Options);
        await cdp.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object> { ["origin"] = origin, ["registrationId"] = registrationId, ["data"] = alert });

        // The words at once, then the same notification again with the picture. (Polled here: WaitForFunction takes the
        // promise of an async function as its truthy answer at once.)
        System.Text.Json.JsonElement notification = default;
        for (var tries = 0; tries < 75 && notification.ValueKind != System.Text.Json.JsonValueKind.Object; tries++)
        {
            notification = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
                async () => {
                  const registration = await navigator.serviceWorker.getRegistration("/app/");
                  const [notification] = await registration.getNotifications();
                  return notification && notification.image ? { title: notification.title, body: notification.body, image: notification.image } : null;
                }
                """);
            if (notification.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal(System.Text.Json.JsonValueKind.Object, notification.ValueKind);
        Assert.Equal("Motion: Front Door", notification.GetProperty("title").GetString());
        Assert.StartsWith("Nightjar · ", notification.GetProperty("body").GetString(), StringComparison.Ordinal);
        var image = notification.GetProperty("image").GetString()!;
        Assert.StartsWith("data:image/jpeg;base64,", image, StringComparison.Ordinal);
        Assert.Equal(320, Jpeg.Size(Convert.FromBase64String(image["data:image/jpeg;base64,".Length..])).Width);
    }

    [Fact]
    public async Task Events_ListsTheWalks_WithThumbnails_PlaysAClip_AndKeeps()
    {
        await fixture.Camera.WaitForHappeningAsync(SceneHappening.Walk, 0, TimeSpan.FromSeconds(60));
        var engine = fixture.Recorder.Get<RecordingEngine>();
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(30);
        while ((await engine.Events.ListAsync(new EventFilter())).All(e => e.End is null) && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(500);
        }

        var page = await LogInAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Places" }).GetByRole(AriaRole.Button, new() { Name = "Events" }).TapAsync();
        var items = page.GetByRole(AriaRole.List, new() { Name = "Event list" }).GetByRole(AriaRole.Listitem);
        // The oldest event has ended and has its pictures (the camera walks on, so the newest may still be going on).
        await Expect(items.Last).ToContainTextAsync("Front Door");
        await Expect(items.Last).ToContainTextAsync("Motion");
        await Expect(items.Last.Locator("img")).ToHaveJSPropertyAsync("naturalWidth", 320);
        await AssertFitsAPhoneAsync(page);
        await ScreenshotAsync(page, "web-04-events");

        // Show People: the detector recognised nobody in a grey box, so nothing matches.
        var showGroup = page.GetByRole(AriaRole.Radiogroup, new() { Name = "Show" });
        await showGroup.GetByRole(AriaRole.Radio, new() { Name = "People" }).TapAsync();
        await Expect(page.GetByText("No events match.")).ToBeVisibleAsync();
        await showGroup.GetByRole(AriaRole.Radio, new() { Name = "All" }).TapAsync();

        // Keep changes the event on the recorder (a state change, so it goes with the web app's own header).
        var id = long.Parse(await items.Last.GetAttributeAsync("data-event") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await items.Last.GetByRole(AriaRole.Button, new() { Name = "Keep", Exact = true }).TapAsync();
        await Expect(items.Last.GetByRole(AriaRole.Button, new() { Name = "Kept", Exact = true })).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True((await engine.Events.GetAsync(id))!.Kept);
        await items.Last.GetByRole(AriaRole.Button, new() { Name = "Kept", Exact = true }).TapAsync();
        await Expect(items.Last.GetByRole(AriaRole.Button, new() { Name = "Keep", Exact = true })).ToBeVisibleAsync();
        Assert.False((await engine.Events.GetAsync(id))!.Kept);

        // Play: the clip plays, from 5 s before the event by the camera's own clock.
        await items.Last.GetByRole(AriaRole.Button, new() { Name = "Play", Exact = true }).TapAsync();
        var clip = page.GetByRole(AriaRole.Dialog).Locator("video");
        await page.WaitForFunctionAsync("v => v.readyState >= 2 && v.videoWidth > 0", await clip.ElementHandleAsync());
        await clip.EvaluateAsync("v => { v.pause(); v.currentTime = 0; }");
        await page.WaitForFunctionAsync("v => !v.seeking && v.readyState >= 2", await clip.ElementHandleAsync());
        var drawn = DateTimeOffset.FromUnixTimeMilliseconds(await clip.EvaluateAsync<long>(TimeCode.ReadFromVideoScript));
        var expected = (await engine.Events.GetAsync(id))!.Start - EventIndex.ClipMargin;
        Assert.True((drawn - expected).Duration() < TimeSpan.FromSeconds(1.5), $"The clip begins at {drawn:HH:mm:ss.fff}, not 5 s before the event ({expected:HH:mm:ss.fff}).");

        // Playback from the event: the day's Timeline opens 5 s before it, with the picture from then.
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Close" }).TapAsync();
        await items.Last.GetByRole(AriaRole.Button, new() { Name = "Playback", Exact = true }).TapAsync();
        var video = page.GetByRole(AriaRole.Region, new() { Name = "Playback" }).Locator("video.playback-video");
        await page.WaitForFunctionAsync("v => v.dataset.presentedMs", await video.ElementHandleAsync());
        drawn = DateTimeOffset.FromUnixTimeMilliseconds(await video.EvaluateAsync<long>(TimeCode.ReadFromVideoScript));
        Assert.True((drawn - expected).Duration() < TimeSpan.FromSeconds(1.5), $"Playback shows {drawn:HH:mm:ss.fff}, not 5 s before the event ({expected:HH:mm:ss.fff}).");
        await Expect(page.GetByRole(AriaRole.Slider, new() { Name = "Timeline" }).Locator(".timeline-event")).Not.ToHaveCountAsync(0);
    }

    [Fact]
    public async Task APlaceLeftBeforeItsAnswerCame_NeverReplacesThePlaceChosenAfter()
    {
        var page = await LogInAsync();
        var places = page.GetByRole(AriaRole.Navigation, new() { Name = "Places" });
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Live" })).ToBeVisibleAsync();
        // A slow link: Playback's list of cameras comes 2 s late; Live's, asked after, comes at once.
        var delayed = 0;
        await page.RouteAsync("**/api/v1/cameras", async route =>
        {
            if (Interlocked.Increment(ref delayed) == 1)
            {
                await Task.Delay(2000);
            }

            await route.ContinueAsync();
        });

        await places.GetByRole(AriaRole.Button, new() { Name = "Playback" }).TapAsync();
        await page.WaitForFunctionAsync("() => window.nightjarPlayback !== undefined"); // its code is here, its answer is not
        await places.GetByRole(AriaRole.Button, new() { Name = "Live" }).TapAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Live" })).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(3000); // Playback's answer has come meanwhile

        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Live" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Slider, new() { Name = "Timeline" })).ToHaveCountAsync(0);
        Assert.Equal(2, Volatile.Read(ref delayed));
    }

    [Fact]
    public async Task WithoutMediaSource_EveryTileShowsAStillPictureASecondApart_AndSaysWhy()
    {
        var page = await LogInAsync("delete window.MediaSource; delete window.ManagedMediaSource;");
        var front = page.GetByRole(AriaRole.Button, new() { Name = "Front Door", Exact = true });
        await Expect(front.GetByRole(AriaRole.Status)).ToHaveTextAsync("Live video does not play in this browser: a picture every second");
        var still = front.Locator("img.still");
        await Expect(still).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("i => i.naturalWidth === 640", await still.ElementHandleAsync());
        var first = await still.GetAttributeAsync("src");
        await Expect(still).Not.ToHaveAttributeAsync("src", first!, new() { Timeout = 5000 });
        Assert.Equal(0, await page.Locator("video").CountAsync());
    }

    [Fact]
    public async Task WithOnlyManagedMediaSource_AsOnAniPhone_TheTilesPlayThroughIt()
    {
        // This Chromium has no ManagedMediaSource (Safari's), so the test gives it one under that name alone: what this
        // shows is the player's choice of it and its use (remote playback off), not Safari itself, which is untested here.
        var page = await LogInAsync("window.ManagedMediaSource = window.MediaSource; delete window.MediaSource;");
        Assert.Equal("ManagedMediaSource", await page.EvaluateAsync<string>("window.nightjarLive.kind()"));
        var video = page.GetByRole(AriaRole.Button, new() { Name = "Front Door", Exact = true }).Locator("video");
        await page.WaitForFunctionAsync("v => Number(v.dataset.framesPresented || 0) > 5 && v.disableRemotePlayback", await video.ElementHandleAsync());
    }

    [Fact]
    public async Task LogOut_EndsTheSession_AndItsTokenNoLongerOpensAnything()
    {
        var page = await LogInAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Places" }).GetByRole(AriaRole.Button, new() { Name = "Log Out" }).TapAsync();
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Log In" });
        await Expect(form.GetByRole(AriaRole.Status)).ToHaveTextAsync("Logged out.");
        var status = await page.EvaluateAsync<int>("async () => (await fetch('/api/v1/device')).status");
        Assert.Equal(401, status);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-nightjar-session");
    }

    [Fact]
    public async Task Playback_AFingerDragOnTheTimeline_LandsOnTheChosenTime_ThePictureIsFromThen_AndDownloadGivesAFileThatPlays()
    {
        // Half a minute recorded at least, so the chosen moment is in a recording.
        var wait = fixture.RecordingSince + TimeSpan.FromSeconds(40) - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var page = await LogInAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Places" }).GetByRole(AriaRole.Button, new() { Name = "Playback" }).TapAsync();
        var video = page.GetByRole(AriaRole.Region, new() { Name = "Playback" }).Locator("video.playback-video");
        await page.WaitForFunctionAsync("v => v.dataset.presentedMs", await video.ElementHandleAsync());
        await page.GetByRole(AriaRole.Radiogroup, new() { Name = "Zoom" }).GetByRole(AriaRole.Radio, new() { Name = "10 Min" }).TapAsync();
        await AssertFitsAPhoneAsync(page);

        // A finger on the Timeline, moved to the moment 25 s ago, and lifted.
        var timeline = page.GetByRole(AriaRole.Slider, new() { Name = "Timeline" });
        var windowStart = long.Parse((await timeline.GetAttributeAsync("data-window-start"))!, System.Globalization.CultureInfo.InvariantCulture);
        var windowEnd = long.Parse((await timeline.GetAttributeAsync("data-window-end"))!, System.Globalization.CultureInfo.InvariantCulture);
        var chosen = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 25_000;
        var box = (await timeline.BoundingBoxAsync())!;
        var x = box.X + (box.Width * (chosen - windowStart) / (windowEnd - windowStart));
        var y = box.Y + (box.Height / 2);
        await FingerDragAsync(page, box.X + (box.Width * 0.1), y, x, y);

        var landed = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((await timeline.GetAttributeAsync("data-position-ms"))!, System.Globalization.CultureInfo.InvariantCulture));
        var msPerPixel = (windowEnd - windowStart) / box.Width;
        Assert.True(Math.Abs(landed.ToUnixTimeMilliseconds() - chosen) <= msPerPixel * 1.5, $"The drag landed at {landed:HH:mm:ss.fff}, not at the chosen {DateTimeOffset.FromUnixTimeMilliseconds(chosen):HH:mm:ss.fff}.");
        await page.WaitForFunctionAsync("([v, at]) => Math.abs(Number(v.dataset.presentedMs) - at) < 1000", new object[] { await video.ElementHandleAsync(), landed.ToUnixTimeMilliseconds() });
        var drawn = DateTimeOffset.FromUnixTimeMilliseconds(await video.EvaluateAsync<long>(TimeCode.ReadFromVideoScript));
        Assert.True((drawn - landed).Duration() < TimeSpan.FromSeconds(1), $"The picture shows {drawn:HH:mm:ss.fff}, not {landed:HH:mm:ss.fff} where the finger left the Timeline.");
        await ScreenshotAsync(page, "web-05-playback");

        // Download: ten seconds typed as From and To, one MP4 that ffprobe plays through.
        var from = DateTimeOffset.FromUnixTimeMilliseconds(chosen).ToLocalTime();
        await page.GetByLabel("From").FillAsync(from.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("To").FillAsync(from.AddSeconds(10).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        // A click, not a tap: after the emulated finger drag above (CDP touch events), Chromium swallows the next
        // synthesized tap now and then; whether a real phone does after a real drag is not known.
        var downloadButton = page.GetByRole(AriaRole.Button, new() { Name = "Download", Exact = true });
        var download = await page.RunAndWaitForDownloadAsync(async () =>
        {
            await downloadButton.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Download" }).GetByRole(AriaRole.Status)).ToHaveTextAsync(new Regex("^The download starts"));
        });
        var file = Path.Combine(Path.GetTempPath(), "nightjar-web-download-" + Guid.NewGuid().ToString("N") + ".mp4");
        try
        {
            await download.SaveAsAsync(file);
            var report = await Ffprobe.ProbeAsync(file);
            Assert.Equal("", report.Errors);
            Assert.Equal("h264", report.Streams.Single().CodecName);
            Assert.InRange(await Ffprobe.DurationAsync(file), 9.0, 12.0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task APasswordChange_EndsTheWebSessionAtOnce_SayingPasswordChanged()
    {
        // A recorder of its own: the password changes.
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var page = await PhoneBrowser.NewPageAsync(browser);
        await page.GotoAsync(recorder.ApiUrl.ToString());
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Log In" });
        await form.GetByLabel("User Name").FillAsync(Recorder.Accounts.AdminAccount.UserName);
        await form.GetByLabel("Password", new() { Exact = true }).FillAsync(TestRecorder.AdminPassword);
        await form.GetByRole(AriaRole.Button, new() { Name = "Log In" }).TapAsync();
        await Expect(page.GetByText("No cameras yet.", new() { Exact = false })).ToBeVisibleAsync();

        Assert.True(await recorder.Get<Recorder.Accounts.AdminAccount>().ChangePasswordAsync("amber-lantern-7305", "test"));

        // Without a tap: the page is told over its events socket and goes back to Log In, saying why.
        await Expect(page.GetByRole(AriaRole.Form, new() { Name = "Log In" }).GetByRole(AriaRole.Status))
            .ToHaveTextAsync("Password changed. Log in with the new password.", new() { Timeout = 5000 });
    }

    /// <summary>A finger put down, moved in steps, and lifted (touch events, so the page sees pointers of type touch).</summary>
    private static async Task FingerDragAsync(IPage page, double fromX, double fromY, double toX, double toY)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        Dictionary<string, object> Touch(string type, double x, double y) => new()
        {
            ["type"] = type,
            ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = x, ["y"] = y } },
        };
        await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchStart", fromX, fromY));
        for (var step = 1; step <= 10; step++)
        {
            await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchMove", fromX + ((toX - fromX) * step / 10), fromY + ((toY - fromY) * step / 10)));
        }

        await cdp.SendAsync("Input.dispatchTouchEvent", Touch("touchEnd", toX, toY));
        await cdp.DetachAsync();
    }

    /// <summary>No horizontal scrolling, and every button at least 44 px each way, as on a 390-wide phone.</summary>
    private static async Task AssertFitsAPhoneAsync(IPage page)
    {
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways on a phone.");
        var small = await page.EvaluateAsync<string[]>("""
            [...document.querySelectorAll("button, select, input")].filter(b => b.offsetParent !== null)
              .map(b => [b.textContent.trim() || b.getAttribute("aria-label"), b.getBoundingClientRect()])
              .filter(([, r]) => r.width < 44 || r.height < 44).map(([name, r]) => `${name} ${r.width}×${r.height}`)
            """);
        Assert.True(small.Length == 0, "Touch targets under 44 px: " + string.Join(", ", small));
    }
}
