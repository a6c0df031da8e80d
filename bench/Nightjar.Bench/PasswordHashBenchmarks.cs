using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;

namespace Nightjar.Bench;

/// <summary>
/// One password verify with the recorder's Argon2id (19 MiB, t=2, p=1) beside PBKDF2-HMAC-SHA256 at OWASP's
/// 600,000 iterations, the usual alternative. What matters is the ratio and the memory: an attacker's GPU pays
/// 19 MiB per Argon2id guess and nothing per PBKDF2 guess.
/// </summary>
[MemoryDiagnoser]
public class PasswordHashBenchmarks
{
    public const int Pbkdf2Iterations = 600_000;
    private const string Password = "violet-comet-4821";

    private PasswordHasher hasher = null!;
    private string argon2Hash = "";
    private readonly byte[] salt = RandomNumberGenerator.GetBytes(16);
    private byte[] pbkdf2Hash = [];

    [GlobalSetup]
    public async Task SetUp()
    {
        hasher = new PasswordHasher(Options.Create(new AccountOptions()));
        argon2Hash = (await hasher.HashAsync(Password))!;
        pbkdf2Hash = Pbkdf2(Password, salt);
    }

    [GlobalCleanup]
    public void CleanUp() => hasher.Dispose();

    [Benchmark]
    public Task<PasswordVerification> Argon2idVerify() => hasher.VerifyAsync(argon2Hash, Password);

    [Benchmark(Baseline = true)]
    public bool Pbkdf2Sha256Verify() => CryptographicOperations.FixedTimeEquals(Pbkdf2(Password, salt), pbkdf2Hash);

    public static byte[] Pbkdf2(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Pbkdf2Iterations, HashAlgorithmName.SHA256, 32);
}
