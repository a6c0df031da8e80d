using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;

namespace Nightjar.Bench;

public static class Argon2Measurements
{
    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator);
        if (quick)
        {
            config = config.AddJob(Job.ShortRun);
        }

        BenchmarkRunner.Run<Argon2Benchmarks>(config);

        // Throughput at the concurrency cap: more callers than slots, as under a login storm.
        var options = new AccountOptions();
        using var hasher = new PasswordHasher(Options.Create(options));
        var hash = (await hasher.HashAsync("violet-comet-4821"))!;
        var duration = TimeSpan.FromSeconds(quick ? 3 : 10);
        var clock = Stopwatch.StartNew();
        var done = 0;
        var busy = 0;
        var callers = Enumerable.Range(0, options.MaxConcurrentHashes * 4).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                if (await hasher.VerifyAsync(hash, "violet-comet-4821") == PasswordVerification.Busy)
                {
                    Interlocked.Increment(ref busy);
                }
                else
                {
                    Interlocked.Increment(ref done);
                }
            }
        }));
        await Task.WhenAll(callers);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"RESULT argon2.verifies_per_second {done / seconds:F1} (cap {options.MaxConcurrentHashes}, {options.MaxConcurrentHashes * 4} callers, {Environment.ProcessorCount} cores, {busy} busy answers)");
        return 0;
    }
}
