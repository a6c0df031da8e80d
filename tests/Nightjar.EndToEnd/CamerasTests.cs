using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>The Cameras screen with the mouse and the on-screen keyboard, against the fake camera over real RTSP.</summary>
[Collection(SharedBrowser.Name)]
public sealed class CamerasTests(ConsoleBrowser browser) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    private static async Task<ConsolePage> OpenCamerasAsync(ConsoleBrowser browser, TestRecorder recorder)
    {
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/cameras?login=open"));
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();
        await Expect(console.Page.GetByRole(AriaRole.Region, new() { Name = "Cameras" })).ToBeVisibleAsync();
        return console;
    }

    private static ILocator Dialog(ConsolePage console) => console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Camera" });

    private static ILocator Row(ConsolePage console, string name) =>
        console.Page.GetByRole(AriaRole.Table, new() { Name = "Camera list" }).GetByRole(AriaRole.Row, new() { Name = name, Exact = true });

    [Fact]
    public async Task AddCamera_WithTheOnScreenKeyboard_TestsIt_SavesIt_AndItRecords()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = await OpenCamerasAsync(browser, recorder);

        await console.Button("Add Camera").ClickAsync();
        await Expect(Dialog(console)).ToBeVisibleAsync();
        await console.TypeWithOnScreenKeyboardAsync("Name", "Porch");
        await console.TypeWithOnScreenKeyboardAsync("Stream URL", camera.Url("main").AbsoluteUri);
        await console.TypeWithOnScreenKeyboardAsync("Sub-stream URL", camera.Url("sub").AbsoluteUri);
        await console.Button("Test").ClickAsync();
        await Expect(Dialog(console).GetByRole(AriaRole.Status)).ToContainTextAsync(
            new Regex(@"H\.264 Constrained Baseline · 640×360 · 2[45](\.\d+)? fps · \d+\.\d Mbit/s"), new() { Timeout = 20_000 });
        await console.ScreenshotAsync("40-camera-dialog-test");
        await console.Button("Save").ClickAsync();
        await Expect(Dialog(console)).ToBeHiddenAsync();

        var row = Row(console, "Porch");
        await Expect(row).ToContainTextAsync("Recording", new() { Timeout = 20_000 });
        await Expect(row).ToContainTextAsync("640×360");
        await console.ScreenshotAsync("41-cameras");

        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Live View", Exact = true }).ClickAsync();
        var tile = console.Page.GetByRole(AriaRole.Region, new() { Name = "Porch" });
        await Expect(tile.GetByRole(AriaRole.Img, new() { Name = "Recording" })).ToBeVisibleAsync();
        await Expect(console.Page.GetByText("No camera")).ToHaveCountAsync(3);
        await console.ScreenshotAsync("42-live-view-camera");
    }

    [Fact]
    public async Task AnOnvifCamera_AddedByItsAddress_AsksOnlyForItsLogin_FillsItsStreams_TestsThem_Records_AndSendsItsOwnMotion()
    {
        // Its profiles are the motion scene's mounts, whose walks its ONVIF events report as the camera's own motion.
        await using var camera = await FakeCamera.StartAsync(user: "onvif", password: "Cam-Onvif-41", onvif: true, onvifClockOffset: 600,
            onvifMainMount: "motion", onvifSubMount: "motion-sub", walkEvery: 20, walkOffset: 25, walkSeconds: 3);
        // Search probes only an interface no machine has: a test never probes the machine's own networks (the search
        // itself is tested between network namespaces, OnvifDiscoveryTests).
        await using var recorder = await TestRecorder.StartAsync("--Nightjar:Onvif:SearchInterfaces:0=nightjar-none");
        await recorder.CompleteSetupAsync();
        var console = await OpenCamerasAsync(browser, recorder);

        await console.Button("Search").ClickAsync();
        var search = console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Search" });
        await Expect(search.GetByRole(AriaRole.Status)).ToContainTextAsync("No ONVIF camera answered");
        await console.TypeWithOnScreenKeyboardAsync("ONVIF Address", $"127.0.0.1:{camera.OnvifPort}");
        await console.Button("Add by Address").ClickAsync();

        // Only the login is asked for; a wrong one is said on the Password field.
        await Expect(Dialog(console)).ToBeVisibleAsync();
        await Expect(console.Field("Stream URL")).ToHaveCountAsync(0);
        await console.TypeWithOnScreenKeyboardAsync("User Name", "onvif");
        await console.TypeWithOnScreenKeyboardAsync("Password", "not-the-password");
        await console.Button("Connect").ClickAsync();
        await Expect(Dialog(console)).ToContainTextAsync("The camera refused this user name or password.");
        await console.ReplaceWithOnScreenKeyboardAsync("Password", "Cam-Onvif-41");
        await console.Button("Connect").ClickAsync();

        // The camera's own profiles fill the streams (largest main, smallest sub), its clock 10 min ahead is said, and Test runs
        // (Connect reads the camera's clock, services, profiles and streams, then tests them: seconds on a loaded box).
        await Expect(console.Field("Stream URL")).ToHaveValueAsync(camera.Url("motion").AbsoluteUri, new() { Timeout = 20_000 });
        await Expect(console.Field("Sub-stream URL")).ToHaveValueAsync(camera.Url("motion-sub").AbsoluteUri);
        await Expect(Dialog(console)).ToContainTextAsync("Found Nightjar Test Fake Camera: a main stream and a sub-stream.");
        await Expect(Dialog(console)).ToContainTextAsync("clock is 10 min ahead");
        await console.Button("Set the Camera's Clock").ClickAsync();
        await Expect(Dialog(console)).ToContainTextAsync("The camera's clock is set to the recorder's time.");
        await Expect(console.Button("Set the Camera's Clock")).ToHaveCountAsync(0);
        await Expect(Dialog(console).Locator(".test-result")).ToContainTextAsync(new Regex(@"H\.264 .* · 640×360"), new() { Timeout = 20_000 });
        var motionFrom = Dialog(console).GetByRole(AriaRole.Radiogroup, new() { Name = "Motion From" });
        await motionFrom.GetByRole(AriaRole.Radio, new() { Name = "Camera" }).ClickAsync();
        await Expect(motionFrom.GetByRole(AriaRole.Radio, new() { Name = "Camera" })).ToHaveAttributeAsync("aria-checked", "true");
        await Expect(Dialog(console).GetByRole(AriaRole.Radiogroup, new() { Name = "Sensitivity" })).ToHaveCountAsync(0); // the camera's own setting
        await console.ScreenshotAsync("47-camera-onvif-found");
        await console.Button("Save").ClickAsync();
        await Expect(Dialog(console)).ToBeHiddenAsync();

        await Expect(Row(console, "Nightjar Test Fake Camera")).ToContainTextAsync("Recording", new() { Timeout = 20_000 });

        // The camera's first walk, reported by the camera itself, is an event on the Events screen.
        await camera.WaitForHappeningAsync(SceneHappening.Walk, 0, TimeSpan.FromSeconds(60));
        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Events", Exact = true }).ClickAsync();
        var events = console.Page.GetByRole(AriaRole.List, new() { Name = "Event list" }).GetByRole(AriaRole.Listitem);
        await Expect(events).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Expect(events.First).ToContainTextAsync("Camera motion");
        await Expect(events.First).ToContainTextAsync("Nightjar Test Fake Camera");
    }

    [Fact]
    public async Task APtzCamera_AddedByOnvif_TurnsWhileAButtonIsHeld_StopsOnRelease_AndGoesToItsPresets()
    {
        // The time code: each picture says when the camera made it, so the test knows which pictures came after the release.
        await using var camera = await FakeCamera.StartAsync(user: "onvif", password: "Cam-Ptz-58", onvif: true, onvifPtz: true, timeCode: true);
        await using var recorder = await TestRecorder.StartAsync("--Nightjar:Onvif:SearchInterfaces:0=nightjar-none");
        await recorder.CompleteSetupAsync();
        var console = await OpenCamerasAsync(browser, recorder);
        await console.Button("Search").ClickAsync();
        await console.TypeWithOnScreenKeyboardAsync("ONVIF Address", $"127.0.0.1:{camera.OnvifPort}");
        await console.Button("Add by Address").ClickAsync();
        await console.TypeWithOnScreenKeyboardAsync("User Name", "onvif");
        await console.TypeWithOnScreenKeyboardAsync("Password", "Cam-Ptz-58");
        await console.Button("Connect").ClickAsync();
        await Expect(Dialog(console).Locator(".test-result")).ToContainTextAsync("640×360", new() { Timeout = 20_000 });
        await console.Button("Save").ClickAsync();
        await Expect(Row(console, "Nightjar Test Fake Camera")).ToContainTextAsync("Recording", new() { Timeout = 20_000 });

        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Live View", Exact = true }).ClickAsync();
        var tile = console.Page.GetByRole(AriaRole.Region, new() { Name = "Nightjar Test Fake Camera" });
        await Expect(tile).ToBeVisibleAsync();
        await Expect(console.Button("Pan Right")).ToHaveCountAsync(0); // only the full-screen view steers
        await tile.DblClickAsync();
        var ptz = console.Page.GetByRole(AriaRole.Toolbar, new() { Name = "PTZ" });
        foreach (var name in new[] { "Pan Left", "Pan Right", "Tilt Up", "Tilt Down", "Zoom In", "Zoom Out" })
        {
            await Expect(ptz.GetByRole(AriaRole.Button, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        }

        // The fake camera looks at a grey wall with an orange mark, in the middle until it turns; turning right moves it left.
        var start = await MarkWhereAsync(console, x => Math.Abs(x - 0.5) < 0.03);
        await ptz.GetByRole(AriaRole.Button, new() { Name = "Pan Right", Exact = true }).HoverAsync();
        await console.Page.Mouse.DownAsync();
        var moving = await MarkWhereAsync(console, x => x < start - 0.05);
        await console.Page.Mouse.UpAsync();
        var released = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        // Pictures made half a second and two seconds after the release show the camera in the same place: it was told to
        // stop, not left to turn on until its own two-second timeout (the live view's delay does not count: these are the
        // camera's own times).
        var stopped = await MarkMadeAfterAsync(console, released + 500);
        var later = await MarkMadeAfterAsync(console, released + 2000);
        Assert.True(stopped < moving, $"the mark did not move on from {moving:F3}");
        Assert.True(Math.Abs(later - stopped) < 0.02, $"the camera went on turning after the release: the mark went from {stopped:F3} to {later:F3}");
        await console.ScreenshotAsync("52-live-ptz");

        // "Door" is a preset to the left: the mark goes right of the middle.
        await ptz.GetByRole(AriaRole.Combobox, new() { Name = "Presets" }).SelectOptionAsync(new SelectOptionValue { Label = "Door" });
        await MarkWhereAsync(console, x => x > 0.7);
    }

    /// <summary>Where the orange mark is in the first picture shown that the camera made at <paramref name="madeAtMs"/> or later.</summary>
    private static async Task<double> MarkMadeAfterAsync(ConsolePage console, long madeAtMs)
    {
        var video = console.Page.Locator("video[data-live-src$='stream=main']");
        for (var tries = 0; tries < 100; tries++)
        {
            if (await video.EvaluateAsync<long>(TimeCode.ReadFromVideoScript) >= madeAtMs)
            {
                return await MarkWhereAsync(console, _ => true);
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("no picture made after the release was shown within 10 s");
    }

    /// <summary>
    /// Where the orange mark is across the full-screen live picture (0 left edge, 1 right edge), read from the video as
    /// shown, once <paramref name="expected"/> holds (10 s at most).
    /// </summary>
    private static async Task<double> MarkWhereAsync(ConsolePage console, Func<double, bool> expected)
    {
        const string script = """
            v => {
                if (!v.videoWidth) return -1;
                const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
                const g = c.getContext('2d'); g.drawImage(v, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let sum = 0, n = 0;
                for (let i = 0; i < d.length; i += 4) {
                    if (d[i] > 200 && d[i + 1] > 90 && d[i + 1] < 170 && d[i + 2] < 70) { sum += (i / 4) % c.width; n++; }
                }
                return n > 100 ? sum / n / c.width : -1;
            }
            """;
        var video = console.Page.Locator("video[data-live-src$='stream=main']");
        var seen = -1.0;
        for (var tries = 0; tries < 100; tries++)
        {
            seen = await video.EvaluateAsync<double>(script);
            if (seen >= 0 && expected(seen))
            {
                return seen;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"the orange mark was not where expected: last seen at {seen:F3} of the width (-1: not seen)");
    }

    [Fact]
    public async Task ACameraThatDies_ShowsOfflineWithTheReason_OnTheOpenScreen_AndRecordingWhenItIsBack()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await TestRecorder.StartAsync("--Nightjar:Cameras:0:Name=Side Gate", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}");
        await recorder.CompleteSetupAsync();
        var console = await OpenCamerasAsync(browser, recorder);
        await Expect(Row(console, "Side Gate")).ToContainTextAsync("Recording", new() { Timeout = 20_000 });

        await camera.KillAsync();
        await Expect(Row(console, "Side Gate")).ToContainTextAsync("Offline: camera unreachable", new() { Timeout = 10_000 });
        await console.ScreenshotAsync("44-camera-offline");

        await camera.RestartAsync();
        await Expect(Row(console, "Side Gate")).ToContainTextAsync("Recording", new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task CredentialsTypedIntoTheUrl_MoveIntoTheirFields_AndAWrongPasswordIsSaidPlainly()
    {
        await using var camera = await FakeCamera.StartAsync(user: "viewer", password: "right-horse-7");
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = await OpenCamerasAsync(browser, recorder);

        await console.Button("Add Camera").ClickAsync();
        await console.Field("Name").FillAsync("Garage");
        var withCredentials = $"rtsp://viewer:wrong-horse@127.0.0.1:{camera.Port}/main";
        await console.Field("Stream URL").FillAsync(withCredentials);
        await console.Button("Test").ClickAsync();

        await Expect(Dialog(console).GetByRole(AriaRole.Status).Last).ToHaveTextAsync("Test failed: wrong user name or password", new() { Timeout = 20_000 });
        await Expect(console.Field("Stream URL")).ToHaveValueAsync(camera.Url("main").AbsoluteUri);
        await Expect(console.Field("User Name")).ToHaveValueAsync("viewer");
        await Expect(Dialog(console)).ToContainTextAsync("moved out of the URL");

        await console.Field("Password").FillAsync("right-horse-7");
        await console.Button("Test").ClickAsync();
        await Expect(Dialog(console).GetByRole(AriaRole.Status).Last).ToContainTextAsync("640×360", new() { Timeout = 20_000 });
        await console.Button("Save").ClickAsync();
        await Expect(Row(console, "Garage")).ToContainTextAsync("Recording", new() { Timeout = 20_000 });

        // The password is never shown back: editing shows an empty field and says one is saved.
        await console.Button("Edit Garage").ClickAsync();
        await Expect(console.Field("Password")).ToHaveValueAsync("");
        await Expect(Dialog(console)).ToContainTextAsync("A password is saved");
        Assert.DoesNotContain("right-horse-7", await console.Page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACameraWithTheWrongPassword_ShowsOfflineWithTheReason_OnTheListAndTheLiveView()
    {
        await using var camera = await FakeCamera.StartAsync(user: "viewer", password: "right-horse-7");
        await using var recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Driveway", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}",
            "--Nightjar:Cameras:0:UserName=viewer", "--Nightjar:Cameras:0:Password=not-it");
        await recorder.CompleteSetupAsync();
        var console = await OpenCamerasAsync(browser, recorder);

        await Expect(Row(console, "Driveway")).ToContainTextAsync("Offline: wrong user name or password", new() { Timeout = 20_000 });
        // Set in configuration: no Remove, and the dialog is read-only.
        await Expect(console.Button("Remove Driveway")).ToHaveCountAsync(0);
        await console.Button("Edit Driveway").ClickAsync();
        await Expect(console.Field("Stream URL")).ToHaveAttributeAsync("readonly", "");
        await Expect(console.Button("Save")).ToHaveCountAsync(0);
        await console.Button("Close").ClickAsync();

        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Live View", Exact = true }).ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.Region, new() { Name = "Driveway" })).ToContainTextAsync("Offline: wrong user name or password");
    }

    [Fact]
    public async Task RemoveCamera_KeepRecordings_LeavesThemOnSettingsStorage_DeleteRecordings_RemovesThem()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = await OpenCamerasAsync(browser, recorder);
        foreach (var name in new[] { "Shed", "Gate" })
        {
            await console.Button("Add Camera").ClickAsync();
            await console.Field("Name").FillAsync(name);
            await console.Field("Stream URL").FillAsync(camera.Url("sub").AbsoluteUri);
            await console.Button("Save").ClickAsync();
            await Expect(Row(console, name)).ToContainTextAsync("Recording", new() { Timeout = 20_000 });
        }

        await Task.Delay(2000); // a couple of index commits, so each camera has a recording on disk

        await console.Button("Remove Shed").ClickAsync();
        await console.Button("Keep Recordings").ClickAsync();
        await Expect(Row(console, "Shed")).ToHaveCountAsync(0);
        await console.Button("Remove Gate").ClickAsync();
        await console.Button("Delete Recordings").ClickAsync();
        await Expect(Row(console, "Gate")).ToHaveCountAsync(0);

        await console.Page.GotoAsync(new Uri(recorder.ConsoleUrl, "/settings/storage").ToString());
        await console.WaitUntilInteractiveAsync();
        var kept = console.Page.GetByRole(AriaRole.Table, new() { Name = "Recordings per camera" });
        await Expect(kept).ToContainTextAsync("Shed");
        await Expect(kept).Not.ToContainTextAsync("Gate");
        var facts = console.Page.Locator("dl[aria-label=Storage]");
        await Expect(facts).ToContainTextAsync("4.3 GB kept for exports"); // the exports' room, nothing exported yet
        await Expect(facts).ToContainTextAsync("Exports0 bytes of 4.3 GB (Nightjar:Exports:MaxBytes)");
        await console.ScreenshotAsync("43-settings-storage");
    }
}
