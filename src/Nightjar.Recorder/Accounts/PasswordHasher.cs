using System.Text;
using Geralt;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Accounts;

/// <summary>
/// Argon2id (libsodium) password hashes in the PHC string format. Each hash holds tens of MiB for tens of
/// milliseconds, so a semaphore caps how many run at once: past the cap a caller waits a bounded time and is
/// then answered <see cref="PasswordVerification.Busy"/> instead of the box running out of memory.
/// </summary>
public sealed class PasswordHasher(IOptions<AccountOptions> options) : IDisposable
{
    private readonly AccountOptions settings = options.Value;
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentHashes, options.Value.MaxConcurrentHashes);

    private int MemoryBytes => settings.Argon2MemoryKiB * 1024;

    /// <summary>Hashes a (normalised) password. Returns null when no hashing slot came free in time.</summary>
    public async Task<string?> HashAsync(string password, CancellationToken cancellationToken = default)
    {
        if (!await slots.WaitAsync(settings.HashQueueTimeout, cancellationToken))
        {
            return null;
        }

        try
        {
            return await Task.Run(() => Hash(password), cancellationToken);
        }
        finally
        {
            slots.Release();
        }
    }

    public async Task<PasswordVerification> VerifyAsync(string storedHash, string password, CancellationToken cancellationToken = default)
    {
        if (!await slots.WaitAsync(settings.HashQueueTimeout, cancellationToken))
        {
            return PasswordVerification.Busy;
        }

        try
        {
            return await Task.Run(() => Verify(storedHash, password), cancellationToken);
        }
        finally
        {
            slots.Release();
        }
    }

    private string Hash(string password)
    {
        Span<char> hash = stackalloc char[Argon2id.HashSize];
        Argon2id.ComputeHash(hash, Encoding.UTF8.GetBytes(password), settings.Argon2Iterations, MemoryBytes);
        // libsodium writes a NUL-terminated string into a fixed-size buffer.
        return new string(hash.TrimEnd('\0'));
    }

    private PasswordVerification Verify(string storedHash, string password)
    {
        if (storedHash.Length is 0 or >= Argon2id.HashSize || !storedHash.StartsWith("$argon2id$", StringComparison.Ordinal))
        {
            return PasswordVerification.Mismatch;
        }

        // The library wants the same NUL-padded buffer the hash call wrote.
        Span<char> hash = stackalloc char[Argon2id.HashSize];
        hash.Clear();
        storedHash.CopyTo(hash);
        if (!Argon2id.VerifyHash(hash, Encoding.UTF8.GetBytes(password)))
        {
            return PasswordVerification.Mismatch;
        }

        return Argon2id.NeedsRehash(hash, settings.Argon2Iterations, MemoryBytes)
            ? PasswordVerification.MatchNeedsRehash
            : PasswordVerification.Match;
    }

    public void Dispose() => slots.Dispose();
}
