using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// Whole-process timings of the real recorder: cold start to healthy, in-process reboot from the console to
/// healthy and to the console interactive again, and resident memory after setup with one console open.
/// </summary>
public static class StartupMeasurements
{
    public static async Task RunAsync(BenchReport report, int runs)
    {
        var firstStarts = new List<double>();
        var restarts = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var dataDir = TestRecorder.NewDataDir();
            await using (var first = await RecorderChildProcess.StartAsync(dataDir))
            {
                firstStarts.Add(first.StartupTime.TotalMilliseconds);
            }

            await using var again = await RecorderChildProcess.StartAsync(dataDir);
            restarts.Add(again.StartupTime.TotalMilliseconds);
        }

        var firstBoot = new Samples(firstStarts);
        var existing = new Samples(restarts);
        report.Add("cold start → `/healthz` 200, first boot (creates database and certificate)", firstBoot.Describe(), "median ≤ 2 s", firstBoot.Median <= 2000);
        report.Add("cold start → healthy, existing data folder", existing.Describe(), "median ≤ 2 s", existing.Median <= 2000);

        await using var recorder = await RecorderChildProcess.StartAsync(TestRecorder.NewDataDir());
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleDriver.LaunchAsync(playwright);
        var page = await ConsoleDriver.NewPageAsync(browser);
        await ConsoleDriver.SetUpAsync(page, recorder.ConsoleUrl);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var idle = recorder.ResidentMegabytes();
        report.Add("idle RSS after setup, one console open on the live view, 10 s idle", string.Create(CultureInfo.InvariantCulture, $"{idle:F1} MB"), "≤ 100 MB", idle <= 100);
        report.Add("where that memory is", ProcessTree.MemoryBreakdown(recorder.ProcessId));

        var reboots = new List<double>();
        var consoleReady = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            await ConsoleDriver.LogInAsync(page, recorder.ConsoleUrl, "/power");
            var before = await recorder.BootIdAsync();
            var clock = Stopwatch.StartNew();
            await ConsoleDriver.ClickRebootAsync(page);
            await recorder.WaitUntilHealthyAsync(notBootId: before);
            reboots.Add(clock.Elapsed.TotalMilliseconds);
            await ConsoleDriver.WaitForNewBootAsync(page, before);
            consoleReady.Add(clock.Elapsed.TotalMilliseconds);
            await page.WaitForURLAsync(new Uri(recorder.ConsoleUrl, "/").ToString());
        }

        var reboot = new Samples(reboots);
        report.Add("in-process reboot: Confirm clicked → `/healthz` answers with a new boot id", reboot.Describe(), "median ≤ 1 s", reboot.Median <= 1000);
        report.Add("in-process reboot: Confirm clicked → console back, locked, interactive", new Samples(consoleReady).Describe());
    }
}
