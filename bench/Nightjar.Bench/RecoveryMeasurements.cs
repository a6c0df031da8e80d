using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Nightjar.Recorder.Recovery;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// Forgot Password, timed as the owner meets it: from the click on "Forgot Password" to the Reset Password
/// email accepted by a loopback SMTP relay; and from the new password's OK to the console back, locked.
/// </summary>
public static class RecoveryMeasurements
{
    private const string Password = "violet-comet-4821";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        await using var smtp = LoopbackSmtpServer.Start();
        var dataDir = Path.Combine(Path.GetTempPath(), "nightjar-bench-" + Guid.NewGuid().ToString("N"));
        await using (var setup = await TestRecorder.StartInAsync(dataDir))
        {
            await setup.CompleteSetupAsync("jane@example.com", smtp);
        }

        await using var recorder = await RecorderChildProcess.StartAsync(dataDir, "--Nightjar:Recovery:MaxRequestsPerHour=60");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(recorder.ConsoleUrl, "/?login=open").ToString());
        await page.Locator("#console[data-interactive='true']").WaitForAsync();

        var clickToAccepted = new List<double>();
        var login = page.GetByRole(AriaRole.Dialog, new() { Name = "Login" });
        var forgot = page.GetByRole(AriaRole.Dialog, new() { Name = "Forgot Password" });
        for (var i = 0; i < runs; i++)
        {
            var before = smtp.Received.Count;
            var button = login.GetByRole(AriaRole.Button, new() { Name = "Forgot Password", Exact = true });
            await button.WaitForAsync();
            var clock = Stopwatch.StartNew();
            await button.ClickAsync();
            await smtp.WaitForMessageAsync(_ => smtp.Received.Count > before, TimeSpan.FromSeconds(30));
            clickToAccepted.Add(clock.Elapsed.TotalMilliseconds);
            await forgot.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        }

        StartupMeasurements.Report("forgot_password_click_to_relay_accepted_ms", clickToAccepted);
        await browser.CloseAsync();
        await recorder.DisposeAsync();

        // Reset → reboot → console interactive again, in the browser, the reset itself driven over HTTP.
        var resetToConsole = new List<double>();
        await using var again = await RecorderChildProcess.StartAsync(dataDir, "--Nightjar:Recovery:MaxRequestsPerHour=60");
        await using var browser2 = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var livePage = await browser2.NewPageAsync();
        await livePage.GotoAsync(again.ConsoleUrl.ToString());
        await livePage.Locator("#console[data-interactive='true']").WaitForAsync();
        using var http = again.CreateConsoleClient();
        http.DefaultRequestHeaders.Add(RecoveryEndpoints.ConsoleHeader, "1");
        for (var i = 0; i < Math.Min(runs, 5); i++) // 50 + 5 requests stay under the hourly limit of 60
        {
            var before = smtp.Received.Count;
            var request = (await (await http.PostAsync("/console/recovery/requests", null)).Content.ReadFromJsonAsync<RecoveryEndpoints.RequestBody>())!;
            var mail = await smtp.WaitForMessageAsync(_ => smtp.Received.Count > before, TimeSpan.FromSeconds(30));
            var code = SecureCodeText.In(smtp.Received.Last(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal)));
            var ticket = (await (await http.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/verify", new { code })).Content.ReadFromJsonAsync<RecoveryEndpoints.TicketBody>())!.Ticket;
            var boot = await again.BootIdAsync();
            var newPassword = $"amber-lantern-{7300 + i}";
            var clock = Stopwatch.StartNew();
            (await http.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/complete", new { ticket, newPassword, confirmPassword = newPassword })).EnsureSuccessStatusCode();
            await livePage.WaitForFunctionAsync($"() => document.querySelector('meta[name=nightjar-boot-id]')?.content !== '{boot}' && document.querySelector('#console[data-interactive=true]') !== null",
                null, new PageWaitForFunctionOptions { Timeout = 30_000 });
            resetToConsole.Add(clock.Elapsed.TotalMilliseconds);
            _ = mail;
        }

        StartupMeasurements.Report("reset_to_console_interactive_ms", resetToConsole);
        return 0;
    }
}
