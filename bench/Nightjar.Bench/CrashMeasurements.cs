using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Nightjar.Bench;

/// <summary>The SIGKILL-at-random-points loop of the test suite (CrashSafetyTests), run with the full count.</summary>
public static partial class CrashMeasurements
{
    [GeneratedRegex(@"(\d+) of (\d+) resets completed before the kill; (\d+) messages delivered")]
    private static partial Regex Summary();

    [GeneratedRegex(@"seed (\d+)")]
    private static partial Regex Seed();

    public static async Task RunAsync(BenchReport report, int kills)
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await TestSuiteRun.RunAsync("FullyQualifiedName~CrashSafety", "NIGHTJAR_CRASH_ITERATIONS", kills);
        var summary = Summary().Match(output);
        var passed = exitCode == 0 && summary.Success;
        var measured = summary.Success
            ? $"{kills} kills: exactly one of old/new password valid every time; {summary.Groups[1].Value} resets had committed before the kill; {summary.Groups[3].Value} queued messages delivered after restart (seed {Seed().Match(output).Groups[1].Value}, {clock.Elapsed.TotalMinutes:F1} min)"
            : $"the crash test did not finish (exit code {exitCode})";
        report.Add("SIGKILL at random points of a password reset, restart, check", measured, $"{kills} of {kills}: one valid password, no mail lost", passed);
    }
}
