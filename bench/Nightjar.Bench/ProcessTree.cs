using System.Globalization;

namespace Nightjar.Bench;

/// <summary>A process and its descendants, read from /proc: CPU time, private memory (RssAnon) and PSS.</summary>
public sealed class ProcessTree(int root)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public IReadOnlyList<int> Pids()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } stat)
            {
                parents[pid] = stat.Parent;
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }

    /// <summary>User and system CPU seconds of every process in the tree now.</summary>
    public double CpuSeconds() => Pids().Sum(p => Stat(p)?.CpuTicks ?? 0) / TicksPerSecond;

    /// <summary>CPU used over <paramref name="window"/>, in percent of one core.</summary>
    public async Task<double> CpuPercentAsync(TimeSpan window)
    {
        var before = CpuSeconds();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(window);
        return (CpuSeconds() - before) / clock.Elapsed.TotalSeconds * 100;
    }

    public static long RssAnonBytes(int pid) => StatusKilobytes(pid, "RssAnon:") * 1024;

    /// <summary>Pages only this process wrote to (heap, JIT code, stacks): what it costs the box beyond shared files.</summary>
    public static double PrivateDirtyMegabytes(int pid) => RollupKilobytes(pid, "Private_Dirty:") / 1024.0;

    /// <summary>
    /// Where one process's resident memory is: private (anonymous), file-backed (assemblies and libraries, shared
    /// with other processes that map them), and shared memory (the runtime's double-mapped JIT code, W^X), in MB.
    /// </summary>
    public static string MemoryBreakdown(int pid) => string.Create(CultureInfo.InvariantCulture,
        $"RssAnon {StatusKilobytes(pid, "RssAnon:") / 1024.0:F1} MB, RssFile {StatusKilobytes(pid, "RssFile:") / 1024.0:F1} MB, "
        + $"RssShmem {StatusKilobytes(pid, "RssShmem:") / 1024.0:F1} MB (double-mapped JIT code); private dirty {RollupKilobytes(pid, "Private_Dirty:") / 1024.0:F1} MB, "
        + $"PSS {RollupKilobytes(pid, "Pss:") / 1024.0:F1} MB");

    /// <summary>Proportional set size of the whole tree: shared libraries counted once across the processes that map them.</summary>
    public long PssBytes() => Pids().Sum(p => RollupKilobytes(p, "Pss:")) * 1024;

    private static (int Parent, long CpuTicks)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // After the command: state ppid ... utime (14th field overall) stime (15th).
            return (int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // gone meanwhile
        }
    }

    private static long StatusKilobytes(int pid, string key) => Kilobytes($"/proc/{pid}/status", key);

    private static long RollupKilobytes(int pid, string key) => Kilobytes($"/proc/{pid}/smaps_rollup", key);

    private static long Kilobytes(string path, string key)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
