using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Nightjar.Bench;

/// <summary>What the numbers were measured on: cores, memory, CPU model, OS, runtime and commit.</summary>
public static class Machine
{
    public static string Describe()
    {
        var memoryKiB = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {long.Parse(memoryKiB, CultureInfo.InvariantCulture) / 1024.0 / 1024.0:F1} GiB, {cpu}; {RuntimeInformation.OSDescription}; .NET {Environment.Version}");
    }

    /// <summary>The short commit, marked when the working tree has changes the numbers would not be reproducible from.</summary>
    public static string Commit()
    {
        var commit = Git("rev-parse --short HEAD");
        return Git("status --porcelain --untracked-files=no").Length > 0 ? commit + " (with uncommitted changes)" : commit;
    }

    private static string Git(string arguments)
    {
        using var git = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, WorkingDirectory = RepositoryRoot() })!;
        var output = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return output;
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Nightjar.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }
}
