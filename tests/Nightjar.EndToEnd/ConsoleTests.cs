using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>The console as a person uses it: mouse only, on-screen keyboard, real recorder, real Chromium.</summary>
[Collection(SharedBrowser.Name)]
public sealed class ConsoleTests(ConsoleBrowser browser) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    private const string Password = TestRecorder.AdminPassword;

    [Fact]
    public async Task SetupWizard_CanBeFilledWithTheOnScreenKeyboardAlone()
    {
        await using var recorder = await TestRecorder.StartAsync();
        var console = new ConsolePage(await browser.NewPageAsync());

        await console.OpenAsync(recorder.ConsoleUrl);
        await Expect(console.Page).ToHaveURLAsync(new Regex("/setup$"));
        await console.TypeWithOnScreenKeyboardAsync("Admin Password", Password);
        await Expect(console.Page.GetByText("Not a common or easily guessed password (met)")).ToBeAttachedAsync();
        await console.TypeWithOnScreenKeyboardAsync("Confirm Password", Password);
        await console.ScreenshotAsync("01-setup-password");
        await console.Button("Next").ClickAsync();

        await console.TypeWithOnScreenKeyboardAsync("Recovery Email", "owner@example.com");
        await console.ScreenshotAsync("02-setup-recovery-email");
        await console.Button("Next").ClickAsync();

        var key = console.Page.GetByLabel("Recovery Key");
        await Expect(key).ToHaveTextAsync(new Regex("^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$"));
        await console.ScreenshotAsync("03-setup-recovery-key");
        await console.Button("Finish").ClickAsync();

        await console.WaitUntilInteractiveAsync();
        await Expect(console.Page.GetByText("No camera").First).ToBeVisibleAsync();
        await console.ScreenshotAsync("04-live-view");
        Assert.True(await recorder.Get<Recorder.Setup.FirstBootSetup>().IsCompleteAsync());
    }

    [Fact]
    public async Task SetupWizard_AtTheKioskSize_KeepsTheRulesAndButtonsInSight_DigitsForPort_WordsForSecurity()
    {
        await using var recorder = await TestRecorder.StartAsync();
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.Page.SetViewportSizeAsync(1280, 720);
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/setup"));

        // While the keyboard types the password, the live rules are on screen, inside the keyboard, not under it.
        await console.Field("Admin Password").ClickAsync();
        await console.Button("a").ClickAsync();
        var rules = console.Keyboard.GetByRole(AriaRole.List, new() { Name = "Password rules" });
        await Expect(rules).ToBeVisibleAsync();
        await Expect(console.Page.GetByRole(AriaRole.List, new() { Name = "Password rules" })).ToHaveCountAsync(1);
        AssertInViewport(await rules.BoundingBoxAsync(), 1280, 720);
        await console.CloseKeyboardByClickingBelowAsync();
        await Expect(console.Page.GetByRole(AriaRole.List, new() { Name = "Password rules" })).ToBeVisibleAsync();

        await console.Field("Admin Password").FillAsync(Password);
        await Expect(console.Page.GetByText("Not a common or easily guessed password (met)")).ToBeAttachedAsync();
        await console.Field("Confirm Password").FillAsync(Password);
        await console.Button("Next").ClickAsync();
        await Expect(console.Button("Back")).ToBeVisibleAsync();

        // The email step fits: Back and Next without scrolling.
        await console.ScreenshotAsync("07-setup-email-at-1280x720");
        AssertInViewport(await console.Button("Back").BoundingBoxAsync(), 1280, 720);
        AssertInViewport(await console.Button("Next").BoundingBoxAsync(), 1280, 720);
        await Expect(console.Page.GetByRole(AriaRole.Radio, new() { Name = "STARTTLS (port 587)" })).ToBeVisibleAsync();
        await Expect(console.Page.GetByRole(AriaRole.Radio, new() { Name = "TLS from the start (port 465)" })).ToBeVisibleAsync();
        await console.Field("Port").ClickAsync();
        await Expect(console.Keyboard).ToBeVisibleAsync();
        await Expect(console.Button("7")).ToBeVisibleAsync();
        await Expect(console.Button("q")).ToHaveCountAsync(0);
        await console.ScreenshotAsync("07-setup-port-digits");
    }

    /// <summary>A console page on <paramref name="path"/> of a set-up recorder, logged in through the Login dialog.</summary>
    private async Task<ConsolePage> LogInAsync(TestRecorder recorder, string path)
    {
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, path + "?login=open"));
        await console.Field("Password").FillAsync(Password);
        await console.SubmitLoginAsync();
        return console;
    }

    private static void AssertInViewport(LocatorBoundingBoxResult? box, int width, int height)
    {
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= width && box.Y + box.Height <= height,
            $"({box.X}, {box.Y}, {box.Width}×{box.Height}) is not inside the {width}×{height} screen.");
    }

    [Fact]
    public async Task SetupWizard_RefusesAWeakPassword_AndAMismatch_NextToTheField()
    {
        await using var recorder = await TestRecorder.StartAsync();
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/setup"));

        await console.TypeWithOnScreenKeyboardAsync("Admin Password", "password1");
        await console.Button("Next").ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("must meet every rule");

        await console.Field("Admin Password").FillAsync(Password); // a physical keyboard works too
        await console.Field("Confirm Password").FillAsync(Password + "x");
        await console.Button("Next").ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The passwords do not match.");
    }

    [Fact]
    public async Task RightClick_Menu_Icon_Login_OpensTheChosenScreen()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(recorder.ConsoleUrl);

        await console.RightClickAsync();
        foreach (var icon in new[] { "Live View", "Playback", "Cameras", "Settings", "Power" })
        {
            await Expect(console.Menu.GetByRole(AriaRole.Button, new() { Name = icon, Exact = true })).ToBeVisibleAsync();
        }

        await console.ScreenshotAsync("05-menu-bar");
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Settings", Exact = true }).ClickAsync();

        await Expect(console.LoginDialog).ToBeVisibleAsync();
        await Expect(console.Field("User Name")).ToHaveValueAsync("admin");
        await console.Field("Password").ClickAsync();
        await Expect(console.Keyboard).ToBeVisibleAsync();
        await console.ScreenshotAsync("06-login-keyboard");
        await console.CloseKeyboardByClickingBelowAsync();
        await console.TypeWithOnScreenKeyboardAsync("Password", Password);
        await console.ScreenshotAsync("07-login");
        await console.SubmitLoginAsync();

        await Expect(console.Page).ToHaveURLAsync(new Regex("/settings$"));
        await Expect(console.Page.GetByText("Device ID")).ToBeVisibleAsync();
        await console.ScreenshotAsync("08-settings");
    }

    [Fact]
    public async Task WrongPassword_ShowsAnError_WithTheAttemptsLeft()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(recorder.ConsoleUrl);

        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Power", Exact = true }).ClickAsync();
        await console.TypeWithOnScreenKeyboardAsync("Password", "not-the-password");
        await console.SubmitLoginAsync();

        await Expect(console.LoginDialog.GetByRole(AriaRole.Alert))
            .ToHaveTextAsync("Wrong user name or password. 4 attempts left before the console locks.");
        await console.ScreenshotAsync("09-login-wrong-password");
    }

    [Fact]
    public async Task Keyboard_OpensOnClick_TypesShiftedAndSymbolKeys_AndClosesOnOutsideClick()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/?login=open"));

        await Expect(console.Keyboard).ToBeHiddenAsync();
        // A fast physical keyboard (no pause between keys) loses nothing.
        const string fast = "correct-horse-battery-staple-0123456789";
        await console.Field("Password").PressSequentiallyAsync(fast, new() { Delay = 0 });
        await Expect(console.Field("Password")).ToHaveValueAsync(fast);
        await console.Page.WaitForTimeoutAsync(300); // the server's answers to every keystroke arrive after the typing
        await Expect(console.Field("Password")).ToHaveValueAsync(fast);
        await console.Field("Password").FillAsync("");
        await console.TypeWithOnScreenKeyboardAsync("Password", "Ab#9 x");
        await console.Field("Password").ClickAsync();
        await console.Button("Backspace").ClickAsync();
        await console.Button("Done").ClickAsync();

        await Expect(console.Keyboard).ToBeHiddenAsync();
        await Expect(console.Field("Password")).ToHaveValueAsync("Ab#9 ");
        await Expect(console.Field("Password")).ToHaveAttributeAsync("type", "password");
        await console.Button("Show Password").ClickAsync();
        await Expect(console.Field("Password")).ToHaveAttributeAsync("type", "text");
    }

    [Fact]
    public async Task Reboot_FromThePowerScreen_ComesBackByItself_Locked_OnTheLiveView()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = await LogInAsync(recorder, "/power");
        var bootBefore = await console.Page.Locator("meta[name='nightjar-boot-id']").GetAttributeAsync("content");

        await console.Button("Reboot").ClickAsync();
        await console.ScreenshotAsync("10-power-confirm");
        await console.WatchReconnectAsync();
        await console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm" }).GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(console.Page.GetByText("Rebooting…")).ToHaveCountAsync(1);
        await console.ScreenshotAsync("11-rebooting");

        await Expect(console.Page.Locator("meta[name='nightjar-boot-id']")).Not.ToHaveAttributeAsync("content", bootBefore!, new() { Timeout = 30_000 });
        await console.WaitUntilInteractiveAsync();
        Assert.Equal((true, false), await console.ReconnectSeenAsync()); // "Rebooting…" once, never covered by a second one
        await Expect(console.Page).ToHaveURLAsync(new Regex("/$"));
        await Expect(console.Page.GetByText("No camera").First).ToBeVisibleAsync();
        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(console.LoginDialog).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ShutDown_EndsOnTheRecorderHasShutDown_NotAnEndlessReconnecting()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = await LogInAsync(recorder, "/power");
        await console.WatchReconnectAsync();

        await console.Button("Shut Down").ClickAsync();
        await console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm" }).GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        Assert.Equal(0, await recorder.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
        await Expect(console.Page.GetByText("The recorder has shut down.")).ToBeVisibleAsync();
        await Expect(console.Page.GetByText("Switch it on again to use it.")).ToBeVisibleAsync();
        await Expect(console.Page.GetByText("Reconnecting…")).Not.ToBeVisibleAsync();
        Assert.Equal((true, false), await console.ReconnectSeenAsync());
    }

    [Fact]
    public async Task APasswordChange_LocksAConsolePageThatIsOpen_AtOnce()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var console = await LogInAsync(recorder, "/settings");
        await Expect(console.Page.GetByText("Device ID")).ToBeVisibleAsync();

        Assert.True(await recorder.Get<Recorder.Accounts.AdminAccount>().ChangePasswordAsync("amber-lantern-7305", "test"));

        // No click and no reload by the test: the open screen leaves Settings by itself and comes back locked.
        await Expect(console.Page.GetByText("Device ID")).ToHaveCountAsync(0);
        await console.WaitUntilInteractiveAsync();
        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(console.LoginDialog).ToBeVisibleAsync();
    }

    [Fact]
    public async Task RecoveryEmail_IsChangedInSettingsWithTheCurrentPassword_AndALongDeviceNameStaysClearOfTheClock()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com");
        const string longName = "WAREHOUSE LOADING BAY, NORTH-EAST CORNER"; // 40 wide characters
        Assert.Null(await recorder.Get<Recorder.Identity.RecorderIdentityStore>().RenameAsync(longName));
        var console = await LogInAsync(recorder, "/settings/email");

        var section = console.Page.GetByRole(AriaRole.Region, new() { Name = "Recovery Email" });
        await Expect(section).ToContainTextAsync("j•••@example.com");
        await console.Field("New Recovery Email").FillAsync("sam@example.org");
        await console.Field("Current Password").FillAsync("not-the-password");
        await section.GetByRole(AriaRole.Button, new() { Name = "Change Recovery Email" }).ClickAsync();
        await Expect(section.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong password.");
        await console.Field("Current Password").FillAsync(Password);
        await section.GetByRole(AriaRole.Button, new() { Name = "Change Recovery Email" }).ClickAsync();
        await Expect(section.GetByRole(AriaRole.Status)).ToHaveTextAsync("Recovery email changed to s•••@example.org.");
        Assert.Equal("sam@example.org", await recorder.Get<Recorder.Recovery.RecoverySettingsStore>().GetEmailAsync());

        await console.Page.SetViewportSizeAsync(800, 480); // a 7-inch kiosk display
        await console.OpenAsync(recorder.ConsoleUrl);
        await Expect(console.Page.GetByLabel("Clock")).ToBeVisibleAsync();
        await console.ScreenshotAsync("44-long-device-name-800x480");
        var name = await console.Page.Locator(".live-header .device-name").BoundingBoxAsync();
        var clock = await console.Page.GetByLabel("Clock").BoundingBoxAsync();
        Assert.True(name!.X + name.Width <= clock!.X, $"the device name ends at {name.X + name.Width}, the clock starts at {clock.X}");
        var lines = await console.Page.Locator(".live-header .device-name").EvaluateAsync<int>(
            "e => { const r = document.createRange(); r.selectNodeContents(e); return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }");
        Assert.Equal(1, lines); // one line, cut with an ellipsis, not wrapped under itself
        Assert.Equal(longName, await console.Page.Locator(".live-header .device-name").GetAttributeAsync("title"));
    }

    [Fact]
    public async Task Lock_InOneTab_LocksTheScreenOpenInAnother()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var first = await LogInAsync(recorder, "/power");
        var second = new ConsolePage(await first.Page.Context.NewPageAsync());
        await second.OpenAsync(new Uri(recorder.ConsoleUrl, "/power"));
        await Expect(second.Button("Reboot")).ToBeVisibleAsync();

        await first.RightClickAsync();
        await first.Menu.GetByRole(AriaRole.Button, new() { Name = "Lock", Exact = true }).ClickAsync();

        // The second tab's circuit was open before Lock; it must not stay unlocked.
        await Expect(second.Page.GetByText("This screen is locked.")).ToBeVisibleAsync();
        await Expect(second.Button("Reboot")).ToHaveCountAsync(0);
        await Expect(first.Page.GetByText("This screen is locked.").Or(first.Page.GetByText("No camera").First)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task APageThatNeverConnected_BeforeAReboot_ComesBackByItself()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var page = await browser.NewPageAsync();

        // The page is served, but its live connection never comes up: as when the host stops a moment after serving it.
        await page.RouteAsync("**/_blazor/negotiate**", route => route.AbortAsync());
        await page.GotoAsync(recorder.ConsoleUrl.ToString());
        var bootBefore = await page.Locator("meta[name='nightjar-boot-id']").GetAttributeAsync("content");
        await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-interactive", "false");

        await page.UnrouteAllAsync();
        await recorder.Get<Nightjar.Recorder.Power.PowerControl>().RequestAsync(Nightjar.Recorder.Power.PowerAction.Reboot, "Test: reboot under a page that never connected.");

        await Expect(page.Locator("meta[name='nightjar-boot-id']")).Not.ToHaveAttributeAsync("content", bootBefore!, new() { Timeout = 30_000 });
        await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
        await Expect(page.GetByText("No camera").First).ToBeVisibleAsync();
    }
}
