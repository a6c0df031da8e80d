using Microsoft.Data.Sqlite;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.WebPush;

/// <summary>
/// The browsers that receive Web Push alerts, each tied to the sign-in (app token) that registered it. Only those whose
/// sign-in still holds (not revoked, not from before a password change) get alerts; the others are forgotten the next
/// time alerts are sent, so a phone logged out, revoked or left behind by a password change hears nothing more.
/// </summary>
public sealed class WebPushSubscriptions(Database database, CredentialEpoch epoch, TimeProvider clock)
{
    /// <summary>More browsers than a household has: a runaway script cannot make every alert a thousand pushes.</summary>
    public const int MaxSubscriptions = 50;

    /// <summary>
    /// Registers (or moves to this sign-in) a browser's subscription; false when <see cref="MaxSubscriptions"/> others
    /// already receive alerts.
    /// </summary>
    public async Task<bool> AddAsync(long tokenId, string endpoint, string p256dh, string auth)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await ForgetEndedAsync(connection, transaction);
            var others = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM push_subscription WHERE endpoint <> @Endpoint", new { Endpoint = endpoint }, transaction);
            if (others >= MaxSubscriptions)
            {
                return false;
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO push_subscription (endpoint, p256dh, auth, app_token_id, created_utc) VALUES (@Endpoint, @P256dh, @Auth, @Token, @Now)
                ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, app_token_id = excluded.app_token_id
                """,
                new { Endpoint = endpoint, P256dh = p256dh, Auth = auth, Token = tokenId, Now = clock.GetUtcNow() }, transaction);
            return true;
        });
    }

    /// <summary>Forgets the subscriptions a sign-in registered ("Alerts on This Device" off, or Log Out); how many.</summary>
    public async Task<int> RemoveForTokenAsync(long tokenId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("DELETE FROM push_subscription WHERE app_token_id = @Token", new { Token = tokenId });
    }

    /// <summary>Forgets one subscription (its push service said it has ended).</summary>
    public async Task RemoveAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM push_subscription WHERE id = @Id", new { Id = id });
    }

    public async Task<bool> HasAnyForTokenAsync(long tokenId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM push_subscription WHERE app_token_id = @Token", new { Token = tokenId }) > 0;
    }

    /// <summary>The subscriptions whose sign-in still holds, oldest first; the others are forgotten on the way.</summary>
    public async Task<IReadOnlyList<WebPushSubscription>> ListActiveAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        await ForgetEndedAsync(connection, transaction);
        return await connection.QueryAsync(
            """
            SELECT s.id, s.endpoint, s.p256dh, s.auth, t.client_name FROM push_subscription s JOIN app_token t ON t.id = s.app_token_id
            ORDER BY s.id
            """,
            r => new WebPushSubscription(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)), transaction: transaction);
    }

    /// <summary>A subscription whose sign-in still holds, or null (gone, revoked, or from before a password change).</summary>
    public async Task<WebPushSubscription?> GetActiveAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync(
            """
            SELECT s.id, s.endpoint, s.p256dh, s.auth, t.client_name FROM push_subscription s JOIN app_token t ON t.id = s.app_token_id
            WHERE s.id = @Id AND t.revoked_utc IS NULL AND t.credential_epoch = @Epoch
            """,
            r => new WebPushSubscription(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)),
            new { Id = id, Epoch = epoch.Current });
    }

    private Task<int> ForgetEndedAsync(SqliteConnection connection, SqliteTransaction transaction) =>
        connection.ExecuteAsync(
            """
            DELETE FROM push_subscription WHERE app_token_id NOT IN
                (SELECT id FROM app_token WHERE revoked_utc IS NULL AND credential_epoch = @Epoch)
            """,
            new { Epoch = epoch.Current }, transaction);
}
