using Microsoft.Data.Sqlite;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Recovery;

/// <summary>The recovery email address and the Recovery Key hash.</summary>
public sealed class RecoverySettingsStore(Database database)
{
    public async Task<string?> GetEmailAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<string?>("SELECT email FROM recovery WHERE id = 1");
    }

    public Task<string?> GetKeyHashAsync(SqliteConnection connection, SqliteTransaction transaction) =>
        connection.ExecuteScalarAsync<string?>("SELECT recovery_key_hash FROM recovery WHERE id = 1", transaction: transaction);

    public Task ReplaceKeyAsync(SqliteConnection connection, SqliteTransaction transaction, string recoveryKeyHash) =>
        connection.ExecuteAsync("UPDATE recovery SET recovery_key_hash = @Hash WHERE id = 1", new { Hash = recoveryKeyHash }, transaction);

    public Task SaveAsync(SqliteConnection connection, SqliteTransaction transaction, string? email, string recoveryKeyHash) =>
        connection.ExecuteAsync(
            "INSERT INTO recovery (id, email, recovery_key_hash) VALUES (1, @Email, @Hash) "
            + "ON CONFLICT (id) DO UPDATE SET email = excluded.email, recovery_key_hash = excluded.recovery_key_hash",
            new { Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim(), Hash = recoveryKeyHash },
            transaction);
}
