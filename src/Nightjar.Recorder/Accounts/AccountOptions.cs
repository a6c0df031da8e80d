namespace Nightjar.Recorder.Accounts;

/// <summary>Password hashing and console lockout (configuration section <c>Nightjar:Accounts</c>).</summary>
public sealed class AccountOptions
{
    public const string Section = "Nightjar:Accounts";

    /// <summary>Argon2id memory in KiB. OWASP's minimum for Argon2id is 19 MiB with t=2.</summary>
    public int Argon2MemoryKiB { get; set; } = 19 * 1024;

    public int Argon2Iterations { get; set; } = 2;

    /// <summary>How many hashes may run at once. Each holds <see cref="Argon2MemoryKiB"/>, so this bounds memory.</summary>
    public int MaxConcurrentHashes { get; set; } = 2;

    /// <summary>How long a login waits for a free hashing slot before it is told to try again.</summary>
    public TimeSpan HashQueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed console logins in a row before the console locks.</summary>
    public int LockoutThreshold { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);
}
