using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// Whole-process timings of the real recorder: cold start to healthy, in-process reboot from the console to
/// healthy and to the console interactive again, and resident memory idle (no browser; the appliance build beside
/// the framework-dependent one) and after setup with one console open.
/// </summary>
public static class StartupMeasurements
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(BenchReport report, int runs)
    {
        await IdleMemoryAsync(report, quickRuns: runs < 10);

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

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleDriver.LaunchAsync(playwright);
        if (File.Exists(ApplianceExecutable()))
        {
            await using var shipped = await RecorderChildProcess.StartPublishedAsync(ApplianceExecutable(), TestRecorder.NewDataDir());
            await (await ConsoleAttachedIdleAsync(report, browser, shipped, "appliance build")).CloseAsync();
        }

        await using var recorder = await RecorderChildProcess.StartAsync(TestRecorder.NewDataDir());
        var page = await ConsoleAttachedIdleAsync(report, browser, recorder, "framework-dependent build");

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

    /// <summary>
    /// Resident and private memory of a recorder left alone after start (its console page and the API's health fetched
    /// once, no browser attached), median of three starts: the appliance build bench/run publishes, and the
    /// framework-dependent build as the baseline, in the same run.
    /// </summary>
    private static async Task IdleMemoryAsync(BenchReport report, bool quickRuns)
    {
        var appliance = ApplianceExecutable();
        if (!File.Exists(appliance))
        {
            report.Add("idle memory, appliance build", $"not measured: {appliance} is missing (bench/run publishes it)");
            return;
        }

        var starts = quickRuns ? 1 : 3;
        var built = await MeasureIdleAsync(starts, dataDir => RecorderChildProcess.StartAsync(dataDir));
        var shipped = await MeasureIdleAsync(starts, dataDir => RecorderChildProcess.StartPublishedAsync(appliance, dataDir));
        report.Add(
            "idle RSS, no browser attached, appliance build (`-p:PublishProfile=Appliance`: self-contained, trimmed, ReadyToRun), 20 s after start",
            string.Create(CultureInfo.InvariantCulture, $"{shipped.Rss:F1} MB; framework-dependent build {built.Rss:F1} MB (ratio {shipped.Rss / built.Rss:F2}); {shipped.Breakdown}"),
            "≤ 100 MB", shipped.Rss <= 100);
        report.Add(
            "private (dirty) memory of the same, appliance vs framework-dependent",
            string.Create(CultureInfo.InvariantCulture, $"{shipped.PrivateDirty:F1} MB vs {built.PrivateDirty:F1} MB"),
            "not higher", shipped.PrivateDirty <= built.PrivateDirty);
    }

    /// <summary>Sets the recorder up in a new page and reports its resident memory with that console open, idle; returns the page.</summary>
    private static async Task<IPage> ConsoleAttachedIdleAsync(BenchReport report, IBrowser browser, RecorderChildProcess recorder, string build)
    {
        var page = await ConsoleDriver.NewPageAsync(browser);
        await ConsoleDriver.SetUpAsync(page, recorder.ConsoleUrl);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var idle = recorder.ResidentMegabytes();
        report.Add($"idle RSS after setup, one console open on the live view, 10 s idle ({build})", string.Create(CultureInfo.InvariantCulture, $"{idle:F1} MB"), "≤ 100 MB", idle <= 100);
        report.Add($"where that memory is ({build})", ProcessTree.MemoryBreakdown(recorder.ProcessId));
        return page;
    }

    /// <summary>The appliance build bench/run publishes before the measurements.</summary>
    private static string ApplianceExecutable() => Path.Combine(RepositoryRoot.Path, "artifacts", "appliance", "Nightjar.Recorder");

    private static async Task<(double Rss, double PrivateDirty, string Breakdown)> MeasureIdleAsync(int starts, Func<string, Task<RecorderChildProcess>> start)
    {
        var samples = new List<(double Rss, double PrivateDirty, string Breakdown)>();
        for (var i = 0; i < starts; i++)
        {
            await using var recorder = await start(TestRecorder.NewDataDir());
            using (var console = new HttpClient { BaseAddress = recorder.ConsoleUrl })
            {
                (await console.GetAsync("/setup")).EnsureSuccessStatusCode();
            }

            using (var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
            using (var api = new HttpClient(handler) { BaseAddress = recorder.ApiUrl })
            {
                (await api.GetAsync("/healthz")).EnsureSuccessStatusCode();
            }

            await Task.Delay(Idle);
            samples.Add((recorder.ResidentMegabytes(), ProcessTree.PrivateDirtyMegabytes(recorder.ProcessId), ProcessTree.MemoryBreakdown(recorder.ProcessId)));
        }

        return samples.OrderBy(s => s.Rss).ElementAt(samples.Count / 2);
    }
}
