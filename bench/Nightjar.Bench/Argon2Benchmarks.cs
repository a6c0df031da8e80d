using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;

namespace Nightjar.Bench;

/// <summary>One Argon2id verify at the recorder's parameters (19 MiB, t=2, p=1).</summary>
[MemoryDiagnoser]
public class Argon2Benchmarks
{
    private PasswordHasher hasher = null!;
    private string hash = "";

    [GlobalSetup]
    public async Task SetUp()
    {
        hasher = new PasswordHasher(Options.Create(new AccountOptions()));
        hash = (await hasher.HashAsync("violet-comet-4821"))!;
    }

    [GlobalCleanup]
    public void CleanUp() => hasher.Dispose();

    [Benchmark]
    public Task<PasswordVerification> Verify() => hasher.VerifyAsync(hash, "violet-comet-4821");
}
