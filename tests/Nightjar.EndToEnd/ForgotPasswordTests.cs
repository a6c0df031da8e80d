using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>The seed's whole Forgot Password flow, the way a person does it at the box, against a real SMTP server.</summary>
[Collection(SharedBrowser.Name)]
public sealed class ForgotPasswordTests(ConsoleBrowser browser) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    private const string NewPassword = "amber-lantern-7305";

    [Fact]
    public async Task SeedFlow_EmailedCode_TypedOnTheKeyboard_NewPassword_Reboot_NewPasswordWorks()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com", smtp);
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(recorder.ConsoleUrl);

        // Right-click for the menu bar, click an icon, choose Forgot Password.
        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Settings", Exact = true }).ClickAsync();
        await console.LoginDialog.GetByRole(AriaRole.Button, new() { Name = "Forgot Password", Exact = true }).ClickAsync();
        var dialog = console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Forgot Password" });
        await Expect(dialog).ToContainTextAsync("j•••@example.com");
        await Expect(dialog).ToContainTextAsync("Junk/Spam");
        await Expect(dialog.GetByRole(AriaRole.Status, new() { Name = "Delivery status" })).ToHaveTextAsync("Delivery: Sent", new() { Timeout = 30_000 });
        await Expect(dialog).ToContainTextAsync("A Reset Password email with a Secure Code was sent to j•••@example.com");
        await console.ScreenshotAsync("20-forgot-password");

        // Read the Secure Code from the Reset Password email; a wrong one first.
        var email = await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var code = SecureCodeText.In(email);
        await console.TypeWithOnScreenKeyboardAsync("Secure Code", code == "0000-0000" ? "1111-1111" : "0000-0000");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "OK", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Incorrect code — 4 attempts left");
        await console.ScreenshotAsync("21-wrong-code");

        await console.Field("Secure Code").FillAsync("");
        await console.TypeWithOnScreenKeyboardAsync("Secure Code", code.ToLowerInvariant());
        await console.ScreenshotAsync("22-code-typed");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "OK", Exact = true }).ClickAsync();

        // A weak password is refused, then a mismatch, then the new password is accepted.
        await Expect(console.Field("New Password")).ToBeVisibleAsync();
        await console.TypeWithOnScreenKeyboardAsync("New Password", "password1");
        await console.TypeWithOnScreenKeyboardAsync("Confirm Password", "password1");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "OK", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("must meet every rule");
        await console.ScreenshotAsync("23-weak-password");

        await console.Field("New Password").FillAsync("");
        await console.Field("Confirm Password").FillAsync("");
        await console.TypeWithOnScreenKeyboardAsync("New Password", NewPassword);
        await console.TypeWithOnScreenKeyboardAsync("Confirm Password", NewPassword + "x");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "OK", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The passwords do not match.");

        await console.Field("Confirm Password").ClickAsync();
        await console.Button("Backspace").ClickAsync();
        await console.CloseKeyboardByClickingBelowAsync();
        await console.ScreenshotAsync("24-new-password");
        var bootBefore = await console.Page.Locator("meta[name='nightjar-boot-id']").GetAttributeAsync("content");
        await console.WatchReconnectAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "OK", Exact = true }).ClickAsync();

        // Success, the reboot, and the console back by itself, locked.
        await Expect(console.Page.GetByText("Password reset successful")).ToBeVisibleAsync();
        await Expect(console.Page.GetByText("Rebooting…")).ToHaveCountAsync(1);
        await console.ScreenshotAsync("25-reset-successful");
        await Expect(console.Page.Locator("meta[name='nightjar-boot-id']")).Not.ToHaveAttributeAsync("content", bootBefore!, new() { Timeout = 30_000 });
        await console.WaitUntilInteractiveAsync();
        // The connection dropped while the success and its instruction were on screen, and nothing covered them.
        Assert.Equal((true, false), await console.ReconnectSeenAsync());
        await Expect(console.Page.GetByText("No camera").First).ToBeVisibleAsync();

        // The old password is refused, the new one works.
        await console.RightClickAsync();
        await console.Menu.GetByRole(AriaRole.Button, new() { Name = "Settings", Exact = true }).ClickAsync();
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();
        await Expect(console.LoginDialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong user name or password");
        await console.Field("Password").FillAsync(NewPassword);
        await console.SubmitLoginAsync();
        await Expect(console.Page.GetByText("Device ID")).ToBeVisibleAsync();
        await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Password changed", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task EmailSettings_SendTestEmail_ReachesTheRelay_AndTheOutboxShowsStatus()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com", smtp);
        await recorder.Get<Recorder.Recovery.PasswordRecovery>().StartAsync();
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/settings/email?login=open"));
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();

        await console.Button("Send Test Email").ClickAsync();

        await Expect(console.Page.GetByRole(AriaRole.Status, new() { Name = "Test email result" })).ToContainTextAsync("Sent:", new() { Timeout = 30_000 });
        await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Test email", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        await Expect(console.Page.GetByRole(AriaRole.Table, new() { Name = "Outbox" })).ToContainTextAsync("Reset Password");
        await console.Page.GetByRole(AriaRole.Table, new() { Name = "Outbox" }).ScrollIntoViewIfNeededAsync();
        await console.ScreenshotAsync("27-email-settings");

        // Without a relay there is nothing to test, and the screen says so rather than promise a file.
        await console.Field("SMTP Server").FillAsync("");
        await console.Button("Send Test Email").ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.Status, new() { Name = "Test email result" }))
            .ToContainTextAsync("No SMTP server is set, so there is nothing to test");
    }

    [Fact]
    public async Task RecoveryKey_ReplacesTheEmailedCode()
    {
        await using var recorder = await TestRecorder.StartAsync("--Nightjar:Power:AfterPasswordReset=Prompt");
        var key = await recorder.CompleteSetupAsync("");
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/?login=open"));

        await console.LoginDialog.GetByRole(AriaRole.Button, new() { Name = "Forgot Password", Exact = true }).ClickAsync();
        var dialog = console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Forgot Password" });
        await Expect(dialog).ToContainTextAsync("recovery-code.txt");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Use Recovery Key", Exact = true }).ClickAsync();
        await console.Field("Recovery Key").FillAsync(key);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "OK", Exact = true }).ClickAsync();
        await console.Field("New Password").FillAsync(NewPassword);
        await console.Field("Confirm Password").FillAsync(NewPassword);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "OK", Exact = true }).ClickAsync();

        await Expect(dialog.GetByText("Password reset successful")).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("New Recovery Key")).ToHaveTextAsync(new Regex("^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$"));
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Restart now" })).ToBeVisibleAsync();
        await console.ScreenshotAsync("26-recovery-key-reset");
    }
}
