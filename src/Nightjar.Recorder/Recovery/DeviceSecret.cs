using System.Security.Cryptography;
using Dapper;
using Nightjar.Recorder.Storage;

namespace Nightjar.Recorder.Recovery;

/// <summary>A random 256-bit key made once per device; it keys the HMAC of Secure Codes, so a copy of the stored MACs alone does not let anyone test guesses offline without it.</summary>
public sealed class DeviceSecret(Database database)
{
    private byte[]? cached;

    public async Task<byte[]> GetAsync()
    {
        if (cached is not null)
        {
            return cached;
        }

        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT OR IGNORE INTO device_secret (name, value) VALUES ('recovery-code-hmac', @Value)",
            new { Value = RandomNumberGenerator.GetBytes(32) });
        return cached = await connection.ExecuteScalarAsync<byte[]>("SELECT value FROM device_secret WHERE name = 'recovery-code-hmac'")
            ?? throw new InvalidOperationException("The device secret could not be stored.");
    }
}
