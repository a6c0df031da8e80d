using System.Diagnostics;
using System.Globalization;
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
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Machine.RepositoryRoot(),
            RedirectStandardOutput = true,
            Environment = { ["NIGHTJAR_CRASH_ITERATIONS"] = kills.ToString(CultureInfo.InvariantCulture) },
        };
        foreach (var argument in new[] { "test", "tests/Nightjar.Recorder.Tests", "-c", "Release", "--no-build", "--nologo",
            "--filter", "FullyQualifiedName~CrashSafety", "--logger", "console;verbosity=detailed" })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var test = Process.Start(start)!;
        var output = await test.StandardOutput.ReadToEndAsync();
        await test.WaitForExitAsync();
        var summary = Summary().Match(output);
        var passed = test.ExitCode == 0 && summary.Success;
        var measured = summary.Success
            ? $"{kills} kills: exactly one of old/new password valid every time; {summary.Groups[1].Value} resets had committed before the kill; {summary.Groups[3].Value} queued messages delivered after restart (seed {Seed().Match(output).Groups[1].Value}, {clock.Elapsed.TotalMinutes:F1} min)"
            : $"the crash test did not finish (exit code {test.ExitCode})";
        report.Add("SIGKILL at random points of a password reset, restart, check", measured, $"{kills} of {kills}: one valid password, no mail lost", passed);
    }
}
