using System.Diagnostics;
using System.Globalization;
using Nightjar.Bench;

// Benchmarks run from bench/run, never from the test suite: timings belong in docs/PERFORMANCE.md, not in asserts.
// usage: Nightjar.Bench [all|startup|recovery|api|soak|hashing|crash|recording|video|events|detect|webapp|onvif] [--quick] [--write <PERFORMANCE.md>]
var quick = args.Contains("--quick");
var writeAt = Array.IndexOf(args, "--write");
var writeTo = writeAt >= 0 && writeAt + 1 < args.Length ? args[writeAt + 1] : null;
var section = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (writeAt < 0 || i != writeAt + 1)).FirstOrDefault() ?? "all";
string[] sections = ["startup", "recovery", "api", "soak", "hashing", "crash", "recording", "video", "events", "detect", "webapp", "onvif"];
if (section != "all" && !sections.Contains(section))
{
    Console.Error.WriteLine($"usage: Nightjar.Bench [all|{string.Join('|', sections)}] [--quick] [--write <file>]");
    return 1;
}

bool Runs(string name) => section == "all" || section == name;
var report = new BenchReport();
var clock = Stopwatch.StartNew();
if (Runs("startup"))
{
    report.Table = section == "startup" ? BenchReport.StartupTable : report.Table;
    await StartupMeasurements.RunAsync(report, runs: quick ? 3 : 10);
}

if (Runs("recovery"))
{
    await RecoveryMeasurements.RunAsync(report, clicks: quick ? 10 : 50, resets: quick ? 3 : 10);
}

if (Runs("api"))
{
    report.Table = section == "api" ? BenchReport.ApiTable : report.Table;
    await ApiMeasurements.RunAsync(report, seconds: quick ? 3 : 10);
}

if (Runs("soak"))
{
    await SoakMeasurements.RunAsync(report, hours: quick ? 1 : 3);
}

if (Runs("hashing"))
{
    await HashingMeasurements.RunAsync(report, quick);
}

if (Runs("crash"))
{
    await CrashMeasurements.RunAsync(report, kills: quick ? 10 : 100);
}

if (Runs("recording"))
{
    report.Table = BenchReport.RecordingTable;
    await RecordingMeasurements.RunAsync(report, quick);
}

if (Runs("video"))
{
    report.Table = BenchReport.VideoTable;
    await VideoMeasurements.RunAsync(report, quick);
}

if (Runs("events"))
{
    report.Table = BenchReport.EventsTable;
    await EventsMeasurements.RunAsync(report, quick);
}

if (Runs("detect"))
{
    report.Table = BenchReport.DetectTable;
    await DetectMeasurements.RunAsync(report, quick);
}

if (Runs("webapp"))
{
    report.Table = BenchReport.WebAppTable;
    await WebAppMeasurements.RunAsync(report, quick);
}

if (Runs("onvif"))
{
    report.Table = BenchReport.OnvifTable;
    await OnvifMeasurements.RunAsync(report, quick);
}

var command = "bench/run" + (quick ? " --quick" : "") + (section == "all" ? "" : " " + section);
foreach (var table in report.Figures.Select(f => f.Table).Distinct())
{
    var markdown = report.ToMarkdown(table, command, clock.Elapsed);
    Console.WriteLine();
    Console.WriteLine(markdown);
    if (writeTo is not null)
    {
        BenchReport.WriteInto(writeTo, table, markdown);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Written into {writeTo}."));
    }
}

return report.Figures.Count > 0 ? 0 : 1;
