using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// Whole-process timings of the real recorder: cold start to healthy, in-process reboot from the console to
/// healthy, and resident memory after setup with one console open in Chromium.
/// </summary>
public static class StartupMeasurements
{
    private const string Password = "violet-comet-4821";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;

        var firstStarts = new List<double>();
        var restarts = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var dataDir = NewDataDir();
            await using (var first = await RecorderChildProcess.StartAsync(dataDir))
            {
                firstStarts.Add(first.StartupTime.TotalMilliseconds);
            }

            await using var again = await RecorderChildProcess.StartAsync(dataDir);
            restarts.Add(again.StartupTime.TotalMilliseconds);
        }

        Report("cold_start_first_boot_ms", firstStarts);
        Report("cold_start_existing_data_ms", restarts);

        await using var recorder = await RecorderChildProcess.StartAsync(NewDataDir());
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await SetUpAsync(page, recorder.ConsoleUrl);
        await Task.Delay(TimeSpan.FromSeconds(10));
        Console.WriteLine($"RESULT idle_rss_mb {recorder.ResidentMegabytes():F1} (after setup, one console open on the live view, 10 s idle)");

        var reboots = new List<double>();
        var consoleReady = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            await LogInAsync(page, recorder.ConsoleUrl, "/power");
            var before = await recorder.BootIdAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Reboot", Exact = true }).ClickAsync();
            var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm" }).GetByRole(AriaRole.Button, new() { Name = "Confirm" });
            var clock = Stopwatch.StartNew();
            await confirm.ClickAsync();
            await recorder.WaitUntilHealthyAsync(notBootId: before);
            reboots.Add(clock.Elapsed.TotalMilliseconds);
            await page.WaitForFunctionAsync($"() => document.querySelector('meta[name=nightjar-boot-id]')?.content !== '{before}' && document.querySelector('#console[data-interactive=true]') !== null");
            consoleReady.Add(clock.Elapsed.TotalMilliseconds);
            await page.WaitForURLAsync(new Uri(recorder.ConsoleUrl, "/").ToString());
        }

        Report("reboot_to_healthy_ms", reboots);
        Report("reboot_to_console_interactive_ms", consoleReady);

        await page.GotoAsync(recorder.ConsoleUrl.ToString());
        await page.Locator("#console[data-interactive='true']").WaitForAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        Console.WriteLine($"RESULT rss_after_reboots_mb {recorder.ResidentMegabytes():F1} (after {runs} logins and in-process reboots, one console open, 10 s idle)");
        return 0;
    }

    private static string NewDataDir() => Path.Combine(Path.GetTempPath(), "nightjar-bench-" + Guid.NewGuid().ToString("N"));

    private static async Task SetUpAsync(IPage page, Uri console)
    {
        await page.GotoAsync(new Uri(console, "/setup").ToString());
        await page.Locator("#console[data-interactive='true']").WaitForAsync();
        await page.GetByLabel("Admin Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next", Exact = true }).ClickAsync();
        await page.GetByLabel("Recovery Email", new() { Exact = true }).FillAsync("owner@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Finish", Exact = true }).ClickAsync();
        await page.GetByText("No camera").First.WaitForAsync();
        await page.Locator("#console[data-interactive='true']").WaitForAsync();
    }

    private static async Task LogInAsync(IPage page, Uri console, string path)
    {
        await page.GotoAsync(new Uri(console, path + "?login=open").ToString());
        await page.Locator("#console[data-interactive='true']").WaitForAsync();
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Login" }).GetByRole(AriaRole.Button, new() { Name = "Log In", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("login=", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("#console[data-interactive='true']").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reboot", Exact = true }).WaitForAsync();
    }

    internal static void Report(string name, List<double> values)
    {
        values.Sort();
        var median = values[values.Count / 2];
        var p95 = values[Math.Min(values.Count - 1, (int)Math.Ceiling(values.Count * 0.95) - 1)];
        Console.WriteLine($"RESULT {name} median {median:F0} p95 {p95:F0} min {values[0]:F0} max {values[^1]:F0} (n={values.Count})");
    }
}
