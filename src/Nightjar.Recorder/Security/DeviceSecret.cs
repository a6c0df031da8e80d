using System.Collections.Concurrent;
using System.Security.Cryptography;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Security;

/// <summary>
/// Random 256-bit keys made once per device, one per use: they key the HMACs of Secure Codes and app tokens,
/// so a copy of the stored MACs alone does not let anyone test guesses offline.
/// </summary>
public sealed class DeviceSecret(Database database)
{
    public const string RecoveryCodes = "recovery-code-hmac";
    public const string AppTokens = "app-token-hmac";
    public const string DeviceCookies = "device-cookie-hmac";

    private readonly ConcurrentDictionary<string, byte[]> cached = new(StringComparer.Ordinal);

    public async Task<byte[]> GetAsync(string name)
    {
        if (cached.TryGetValue(name, out var known))
        {
            return known;
        }

        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT OR IGNORE INTO device_secret (name, value) VALUES (@Name, @Value)",
            new { Name = name, Value = RandomNumberGenerator.GetBytes(32) });
        var value = await connection.ExecuteScalarAsync<byte[]>("SELECT value FROM device_secret WHERE name = @Name", new { Name = name })
            ?? throw new InvalidOperationException("The device secret could not be stored.");
        return cached.GetOrAdd(name, value);
    }
}
