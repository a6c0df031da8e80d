using System.Diagnostics;
using System.Globalization;

namespace Nightjar.Bench;

/// <summary>Runs one test of the Release test suite with a longer loop than CI gives it, and returns what it printed.</summary>
public static class TestSuiteRun
{
    /// <param name="filter">A <c>dotnet test --filter</c> expression naming the test.</param>
    /// <param name="countVariable">The environment variable the test reads its loop count from.</param>
    public static async Task<(int ExitCode, string Output)> RunAsync(string filter, string countVariable, int count)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Machine.RepositoryRoot(),
            RedirectStandardOutput = true,
            Environment = { [countVariable] = count.ToString(CultureInfo.InvariantCulture) },
        };
        foreach (var argument in new[] { "test", "tests/Nightjar.Recorder.Tests", "-c", "Release", "--no-build", "--nologo",
            "--filter", filter, "--logger", "console;verbosity=detailed" })
        {
            start.ArgumentList.Add(argument);
        }

        using var test = Process.Start(start)!;
        var output = await test.StandardOutput.ReadToEndAsync();
        await test.WaitForExitAsync();
        return (test.ExitCode, output);
    }
}
