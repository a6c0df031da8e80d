using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Security;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Pairing;

/// <summary>
/// Bearer tokens for companion apps: 256 random bits, stored only as HMAC-SHA256 under a device secret, each
/// tied to the credential epoch it was issued in. Checking a token is a keyed-hash lookup (no Argon2 per
/// request) with a small in-memory cache that a password change or a revocation clears at once.
/// </summary>
public sealed class AppTokens : IDisposable
{
    public const int MaxClientNameLength = 64;
    private const int MaxTokenLength = 128;
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    private readonly Database database;
    private readonly DeviceSecret secrets;
    private readonly CredentialEpoch epoch;
    private readonly TimeProvider clock;
    private readonly ConcurrentDictionary<string, CachedToken> cache = new(StringComparer.Ordinal);

    public AppTokens(Database database, DeviceSecret secrets, CredentialEpoch epoch, TimeProvider clock)
    {
        this.database = database;
        this.secrets = secrets;
        this.epoch = epoch;
        this.clock = clock;
        epoch.Changed += ClearCache;
    }

    /// <summary>Issues a token for a client that has just proved the password. Returns the token; only its hash is kept.</summary>
    public async Task<string> IssueAsync(string clientName, long credentialEpoch)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO app_token (token_hash, client_name, credential_epoch, created_utc, last_seen_utc) VALUES (@Hash, @Client, @Epoch, @Now, @Now)",
            new { Hash = await HashAsync(token), Client = clientName, Epoch = credentialEpoch, Now = now });
        return token;
    }

    public async Task<TokenCheck> CheckAsync(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return new TokenCheck.Invalid();
        }

        var hash = await HashAsync(token);
        if (!cache.TryGetValue(hash, out var known))
        {
            await using var connection = await database.OpenAsync();
            var row = await connection.QuerySingleOrDefaultAsync(
                "SELECT id, client_name, credential_epoch, last_seen_utc, revoked_utc FROM app_token WHERE token_hash = @Hash",
                r => (Id: r.GetInt64(0), ClientName: r.GetString(1), Epoch: r.GetInt64(2), LastSeen: r.GetUtcTimestamp(3), Revoked: r.GetUtcTimestampOrNull(4)),
                new { Hash = hash });
            if (row.Id == 0 || row.Revoked is not null)
            {
                return new TokenCheck.Invalid();
            }

            known = new CachedToken(row.Id, row.ClientName, row.Epoch, row.LastSeen);
            cache[hash] = known;
        }

        if (known.Epoch != epoch.Current)
        {
            return new TokenCheck.CredentialsChanged(await PasswordChangedAsync());
        }

        await TouchAsync(hash, known);
        return new TokenCheck.Valid(known.Id, known.ClientName, known.Epoch);
    }

    /// <summary>A token was revoked (its id): what it opened must end.</summary>
    public event Action<long>? Revoked;

    public async Task RevokeAsync(long tokenId)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE app_token SET revoked_utc = @Now WHERE id = @Id AND revoked_utc IS NULL", new { Id = tokenId, Now = clock.GetUtcNow() });
        ClearCache(0);
        Revoked?.Invoke(tokenId);
    }

    /// <summary>Apps signed in with the current password, most recently seen first.</summary>
    public async Task<IReadOnlyList<PairedApp>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryAsync(
            "SELECT id, client_name, created_utc, last_seen_utc, credential_epoch FROM app_token WHERE revoked_utc IS NULL ORDER BY last_seen_utc DESC LIMIT 100",
            r => new PairedApp(r.GetInt64(0), r.GetString(1), r.GetUtcTimestamp(2), r.GetUtcTimestamp(3), r.GetInt64(4) == epoch.Current));
    }

    private async Task<DateTimeOffset> PasswordChangedAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<DateTimeOffset>(
            "SELECT password_changed_utc FROM account WHERE user_name = @UserName", new { UserName = AdminAccount.UserName });
    }

    /// <summary>"Last seen" is for the owner's eyes; writing it once a minute per token spares the disk on every poll.</summary>
    private async Task TouchAsync(string hash, CachedToken known)
    {
        var now = clock.GetUtcNow();
        if (now - known.LastSeen < LastSeenResolution)
        {
            return;
        }

        cache[hash] = known with { LastSeen = now };
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE app_token SET last_seen_utc = @Now WHERE id = @Id", new { Id = known.Id, Now = now });
    }

    private async Task<string> HashAsync(string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(await secrets.GetAsync(DeviceSecret.AppTokens), Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private void ClearCache(long _) => cache.Clear();

    public void Dispose() => epoch.Changed -= ClearCache;

    private sealed record CachedToken(long Id, string ClientName, long Epoch, DateTimeOffset LastSeen);
}
