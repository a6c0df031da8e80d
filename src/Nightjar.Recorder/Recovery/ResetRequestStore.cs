using Microsoft.Data.Sqlite;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Recovery;

/// <summary>
/// Every statement on <c>reset_request</c>, in one place. Each runs on the caller's connection and transaction:
/// <see cref="PasswordRecovery"/> decides what commits together (a limit and the insert it guards, a check and its
/// count). A request's secrets (the code's HMAC, the ticket's hash) are cleared in the same statement that ends it.
/// </summary>
internal static class ResetRequestStore
{
    /// <summary>The columns <see cref="ReadRequest"/> reads, in its order.</summary>
    private const string SelectRequest =
        "SELECT id, created_utc, expires_utc, method, code_hmac, wrong_attempts, state, message_id FROM reset_request";

    public static Task<ResetRequestRow?> FindAsync(SqliteConnection connection, string id, SqliteTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync(SelectRequest + " WHERE id = @Id", ReadRequest, new { Id = id }, transaction);

    private static ResetRequestRow ReadRequest(SqliteDataReader r) => new(
        r.GetString(0), r.GetUtcTimestamp(1), r.GetUtcTimestamp(2), r.GetString(3), r.GetStringOrNull(4), r.GetInt64(5), r.GetString(6), r.GetInt64OrNull(7));

    /// <summary>The newest code request still active and unexpired (a Recovery Key request is never shown again).</summary>
    public static Task<string?> UnderWayCodeRequestAsync(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now) =>
        connection.ExecuteScalarAsync<string>(
            "SELECT id FROM reset_request WHERE state = 'Active' AND method <> 'RecoveryKey' AND expires_utc > @Now ORDER BY created_utc DESC LIMIT 1",
            new { Now = now }, transaction);

    public static Task<DateTimeOffset?> LastCodeCreatedAsync(SqliteConnection connection, SqliteTransaction transaction) =>
        connection.ExecuteScalarAsync<DateTimeOffset?>("SELECT MAX(created_utc) FROM reset_request WHERE method <> 'RecoveryKey'", transaction: transaction);

    /// <summary>When the code requests (or, with <paramref name="recoveryKey"/>, the Recovery Key requests) since <paramref name="since"/> were made, oldest first.</summary>
    public static async Task<List<DateTimeOffset>> CreatedSinceAsync(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset since, bool recoveryKey) =>
        await connection.QueryAsync(
            "SELECT created_utc FROM reset_request WHERE created_utc > @Since AND (method = 'RecoveryKey') = @Key ORDER BY created_utc",
            r => r.GetUtcTimestamp(0),
            new { Since = since, Key = recoveryKey }, transaction);

    /// <summary>Voids every request still open, so only the newest code can ever be used.</summary>
    public static Task SupersedeOpenAsync(SqliteConnection connection, SqliteTransaction transaction) =>
        connection.ExecuteAsync(
            "UPDATE reset_request SET state = 'Superseded', code_hmac = NULL, ticket_hash = NULL WHERE state IN ('Active', 'Verified')",
            transaction: transaction);

    public static Task InsertAsync(
        SqliteConnection connection, SqliteTransaction transaction, string id, DateTimeOffset created, DateTimeOffset expires, RecoveryMethod method, string? codeHmac) =>
        connection.ExecuteAsync(
            """
            INSERT INTO reset_request (id, created_utc, expires_utc, method, code_hmac, state)
            VALUES (@Id, @Now, @Expires, @Method, @Mac, 'Active')
            """,
            new { Id = id, Now = created, Expires = expires, Method = method.ToString(), Mac = codeHmac },
            transaction);

    public static Task SetMessageAsync(SqliteConnection connection, SqliteTransaction transaction, string id, long messageId) =>
        connection.ExecuteAsync("UPDATE reset_request SET message_id = @Message WHERE id = @Id", new { Message = messageId, Id = id }, transaction);

    public static Task MarkVerifiedAsync(SqliteConnection connection, SqliteTransaction transaction, string id, string ticketHash) =>
        connection.ExecuteAsync(
            "UPDATE reset_request SET state = 'Verified', code_hmac = NULL, ticket_hash = @Ticket WHERE id = @Id AND state = 'Active'",
            new { Id = id, Ticket = ticketHash }, transaction);

    public static Task CountWrongAsync(SqliteConnection connection, SqliteTransaction transaction, string id, int wrongAttempts, bool burned) =>
        connection.ExecuteAsync(
            "UPDATE reset_request SET wrong_attempts = @Wrong, state = CASE WHEN @Burned THEN 'Burned' ELSE state END, "
            + "code_hmac = CASE WHEN @Burned THEN NULL ELSE code_hmac END WHERE id = @Id",
            new { Id = id, Wrong = wrongAttempts, Burned = burned }, transaction);

    /// <summary>Consumes a verified, unexpired request whose ticket matches; returns its method, or null when none did.</summary>
    public static Task<string?> ConsumeAsync(SqliteConnection connection, SqliteTransaction transaction, string id, string ticketHash, DateTimeOffset now) =>
        connection.ExecuteScalarAsync<string?>(
            """
            UPDATE reset_request SET state = 'Consumed', ticket_hash = NULL
            WHERE id = @Id AND state = 'Verified' AND ticket_hash = @Ticket AND expires_utc > @Now
            RETURNING method
            """,
            new { Id = id, Ticket = ticketHash, Now = now }, transaction);

    /// <summary>Cancels a request still open; true when one was.</summary>
    public static async Task<bool> CancelAsync(SqliteConnection connection, string id) =>
        await connection.ExecuteAsync(
            "UPDATE reset_request SET state = 'Cancelled', code_hmac = NULL, ticket_hash = NULL WHERE id = @Id AND state IN ('Active', 'Verified')",
            new { Id = id }) == 1;
}
