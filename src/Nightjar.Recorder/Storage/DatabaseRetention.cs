using Nightjar.Recorder.Accounts;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Storage;

/// <summary>
/// How long the database keeps rows that only grow: finished reset requests and sent mail for 30 days (long enough
/// to answer "did the code arrive?"), the audit log for a year, revoked app tokens for 30 days, and tokens ended by a
/// password change for 90 (so an app that wakes up late still hears "password changed", not "unknown token").
/// Runs at start and every hour. (Recordings have their own retention, inside the recording engine, so it goes on
/// while the console restarts.)
/// </summary>
public sealed class DatabaseRetention(Database database, CredentialEpoch epoch, TimeProvider clock, ILogger<DatabaseRetention> logger) : BackgroundService
{
    public static readonly TimeSpan RequestsAndMail = TimeSpan.FromDays(30);
    public static readonly TimeSpan AuditLog = TimeSpan.FromDays(365);
    public static readonly TimeSpan RevokedTokens = TimeSpan.FromDays(30);
    public static readonly TimeSpan EndedTokens = TimeSpan.FromDays(90);

    private static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>Deletes what is past its time. Returns the rows deleted per table.</summary>
    public async Task<(int ResetRequests, int Mail, int Audit, int Tokens)> PruneAsync()
    {
        var now = clock.GetUtcNow();
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var requests = await connection.ExecuteAsync(
                "DELETE FROM reset_request WHERE expires_utc < @Before", new { Before = now - RequestsAndMail }, transaction);
            var mail = await connection.ExecuteAsync(
                "DELETE FROM outbox WHERE state IN ('Sent', 'WrittenToPickup', 'Failed', 'Expired') AND created_utc < @Before",
                new { Before = now - RequestsAndMail }, transaction);
            var audit = await connection.ExecuteAsync(
                "DELETE FROM audit_log WHERE at_utc < @Before", new { Before = now - AuditLog }, transaction);
            var tokens = await connection.ExecuteAsync(
                """
                DELETE FROM app_token
                WHERE (revoked_utc IS NOT NULL AND revoked_utc < @RevokedBefore)
                   OR (credential_epoch < @Epoch AND last_seen_utc < @EndedBefore)
                """,
                new { RevokedBefore = now - RevokedTokens, Epoch = epoch.Current, EndedBefore = now - EndedTokens },
                transaction);
            return (requests, mail, audit, tokens);
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            do
            {
                try
                {
                    var (requests, mail, audit, tokens) = await PruneAsync();
                    if (requests + mail + audit + tokens > 0)
                    {
                        logger.LogInformation(
                            "Old rows deleted: {Requests} reset requests, {Mail} mail messages, {Audit} audit entries, {Tokens} app tokens.",
                            requests, mail, audit, tokens);
                    }
                }
                catch (Microsoft.Data.Sqlite.SqliteException ex)
                {
                    logger.LogError("Old rows could not be deleted (tried again in an hour): {Message}", ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
        }
    }
}
