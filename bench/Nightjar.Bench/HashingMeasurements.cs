using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;

namespace Nightjar.Bench;

/// <summary>Argon2id and PBKDF2-SHA256 (600k) in the same run: one verify each (BenchmarkDotNet), and verifies per second at the recorder's cap of 2.</summary>
public static class HashingMeasurements
{
    public static async Task RunAsync(BenchReport report, bool quick)
    {
        var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator);
        if (quick)
        {
            config = config.AddJob(Job.ShortRun);
        }

        var summary = BenchmarkRunner.Run<PasswordHashBenchmarks>(config);
        double MeanMs(string method) => summary.Reports
            .Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics!.Mean / 1_000_000.0;
        var argon2 = MeanMs(nameof(PasswordHashBenchmarks.Argon2idVerify));
        var pbkdf2 = MeanMs(nameof(PasswordHashBenchmarks.Pbkdf2Sha256Verify));
        report.Add("one Argon2id verify, 19 MiB, t = 2, p = 1 (BenchmarkDotNet mean)", string.Create(CultureInfo.InvariantCulture, $"{argon2:F1} ms, 19 MiB per guess"));
        report.Add("one PBKDF2-HMAC-SHA256 verify, 600,000 iterations (BenchmarkDotNet mean)", string.Create(CultureInfo.InvariantCulture, $"{pbkdf2:F1} ms, no memory per guess"));
        report.Add("Argon2id time ÷ PBKDF2-600k time, same run", string.Create(CultureInfo.InvariantCulture, $"{argon2 / pbkdf2:F2}"));

        var options = new AccountOptions();
        using var hasher = new PasswordHasher(Options.Create(options));
        var hash = (await hasher.HashAsync(ConsoleDriver.Password))!;
        var duration = TimeSpan.FromSeconds(quick ? 3 : 10);
        var argon2PerSecond = await PerSecondAsync(options.MaxConcurrentHashes * 4, duration,
            async () => await hasher.VerifyAsync(hash, ConsoleDriver.Password) != PasswordVerification.Busy);
        var salt = RandomNumberGenerator.GetBytes(16);
        var stored = PasswordHashBenchmarks.Pbkdf2(ConsoleDriver.Password, salt);
        var pbkdf2PerSecond = await PerSecondAsync(options.MaxConcurrentHashes, duration,
            () => Task.FromResult(CryptographicOperations.FixedTimeEquals(PasswordHashBenchmarks.Pbkdf2(ConsoleDriver.Password, salt), stored)));
        report.Add($"Argon2id verifies per second at the cap of {options.MaxConcurrentHashes} ({options.MaxConcurrentHashes * 4} callers, {Environment.ProcessorCount} cores)",
            string.Create(CultureInfo.InvariantCulture, $"{argon2PerSecond:F1} /s"));
        report.Add($"PBKDF2-600k verifies per second on {options.MaxConcurrentHashes} threads", string.Create(CultureInfo.InvariantCulture, $"{pbkdf2PerSecond:F1} /s"));
    }

    /// <summary>Completed calls per second with <paramref name="callers"/> callers for <paramref name="duration"/>; calls answering false do not count.</summary>
    private static async Task<double> PerSecondAsync(int callers, TimeSpan duration, Func<Task<bool>> call)
    {
        var clock = Stopwatch.StartNew();
        var done = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                if (await call())
                {
                    Interlocked.Increment(ref done);
                }
            }
        })));
        return done / clock.Elapsed.TotalSeconds;
    }
}
