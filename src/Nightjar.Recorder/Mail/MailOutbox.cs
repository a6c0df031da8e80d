using System.Data;
using Microsoft.Data.Sqlite;
using MimeKit;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Mail;

/// <summary>
/// The durable outbox. A message is queued inside the transaction of the change it reports, so it exists
/// exactly when that change does and survives a crash or a reboot; <see cref="MailSender"/> delivers it.
/// A message that carries a secret (a Secure Code) has its content erased once delivered or given up, so the
/// code is never kept in clear longer than it takes to send it.
/// </summary>
public sealed class MailOutbox(Database database, TimeProvider clock) : IDisposable
{
    private const int MaxErrorLength = 300;
    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>Raised after a message changes state (queued, sent, retrying, …) with its id.</summary>
    public event Action<long>? Changed;

    public async Task<long> EnqueueAsync(SqliteConnection connection, SqliteTransaction transaction, MimeMessage message, string purpose, DateTimeOffset notAfter, bool sensitive)
    {
        using var content = new MemoryStream();
        await message.WriteToAsync(content);
        var now = clock.GetUtcNow();
        return await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO outbox (purpose, recipient, subject, content, sensitive, created_utc, not_after_utc, state, next_attempt_utc)
            VALUES (@Purpose, @Recipient, @Subject, @Content, @Sensitive, @Now, @NotAfter, @State, @Now)
            RETURNING id
            """,
            new
            {
                Purpose = purpose,
                Recipient = string.Join(", ", message.To.Mailboxes.Select(m => m.Address)),
                Subject = message.Subject ?? "",
                Content = content.ToArray(),
                Sensitive = sensitive,
                Now = now,
                NotAfter = notAfter,
                State = nameof(OutboxState.Queued),
            },
            transaction);
    }

    /// <summary>Tells the sender a message is waiting; call after the enqueuing transaction commits.</summary>
    public void Queued(long id)
    {
        Notify(id);
        Wake();
    }

    public async Task<OutboxEntry?> GetAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync(SelectEntry + " WHERE id = @Id", ReadEntry, new { Id = id });
    }

    public async Task<IReadOnlyList<OutboxEntry>> ListRecentAsync(int limit)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryAsync(SelectEntry + " ORDER BY id DESC LIMIT @Limit", ReadEntry, new { Limit = limit });
    }

    /// <summary>The columns <see cref="ReadEntry"/> reads, in its order.</summary>
    private const string SelectEntry =
        "SELECT id, purpose, recipient, subject, created_utc, not_after_utc, state, attempts, next_attempt_utc, last_error, sent_utc FROM outbox";

    internal async Task<(long Id, byte[] Content, DateTimeOffset NotAfter, int Attempts)?> NextDueAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryFirstOrDefaultAsync(
            "SELECT id, content, not_after_utc, attempts FROM outbox WHERE state IN ('Queued', 'Retrying') AND next_attempt_utc <= @Now AND content IS NOT NULL ORDER BY next_attempt_utc, id LIMIT 1",
            r => ((long Id, byte[] Content, DateTimeOffset NotAfter, int Attempts)?)(r.GetInt64(0), (byte[])r.GetValue(1), r.GetUtcTimestamp(2), r.GetInt32(3)),
            new { Now = clock.GetUtcNow() });
    }

    /// <summary>When the next waiting message is due, or null when none waits.</summary>
    internal async Task<DateTimeOffset?> NextAttemptAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<DateTimeOffset?>(
            "SELECT MIN(next_attempt_utc) FROM outbox WHERE state IN ('Queued', 'Retrying') AND content IS NOT NULL");
    }

    internal Task MarkSentAsync(long id) =>
        UpdateAsync(id, OutboxState.Sent, error: null, nextAttempt: null, sent: true);

    internal Task MarkWrittenToPickupAsync(long id) =>
        UpdateAsync(id, OutboxState.WrittenToPickup, error: null, nextAttempt: null, sent: true);

    internal Task MarkRetryAsync(long id, string error, DateTimeOffset nextAttempt) =>
        UpdateAsync(id, OutboxState.Retrying, error, nextAttempt, sent: false);

    internal Task MarkFailedAsync(long id, string error) =>
        UpdateAsync(id, OutboxState.Failed, error, nextAttempt: null, sent: false);

    internal Task MarkExpiredAsync(long id, string? error) =>
        UpdateAsync(id, OutboxState.Expired, error, nextAttempt: null, sent: false);

    private async Task UpdateAsync(long id, OutboxState state, string? error, DateTimeOffset? nextAttempt, bool sent)
    {
        var now = clock.GetUtcNow();
        var finished = state is OutboxState.Sent or OutboxState.WrittenToPickup or OutboxState.Failed or OutboxState.Expired;
        bool erased;
        await using (var connection = await database.OpenAsync())
        {
            erased = await connection.ExecuteScalarAsync<bool>(
                """
                UPDATE outbox SET state = @State, attempts = attempts + 1, last_error = @Error,
                    next_attempt_utc = COALESCE(@Next, next_attempt_utc),
                    sent_utc = CASE WHEN @Sent THEN @Now ELSE sent_utc END,
                    content = CASE WHEN @Finished AND sensitive THEN NULL ELSE content END
                WHERE id = @Id
                RETURNING @Finished AND sensitive
                """,
                new
                {
                    Id = id,
                    State = state.ToString(),
                    Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
                    Next = nextAttempt,
                    Sent = sent,
                    Now = now,
                    Finished = finished,
                });
        }

        if (erased)
        {
            await database.TruncateWalAsync();
        }

        Notify(id);
    }

    /// <summary>Gives up messages whose time has passed without delivery (the sender also does this as it goes).</summary>
    internal async Task ExpireOverdueAsync()
    {
        List<long> ids;
        await using (var connection = await database.OpenAsync())
        {
            ids = await connection.QueryAsync(
                "UPDATE outbox SET state = 'Expired', content = CASE WHEN sensitive THEN NULL ELSE content END "
                + "WHERE state IN ('Queued', 'Retrying') AND not_after_utc <= @Now RETURNING id",
                r => r.GetInt64(0),
                new { Now = clock.GetUtcNow() });
        }

        if (ids.Count > 0)
        {
            await database.TruncateWalAsync();
        }

        foreach (var id in ids)
        {
            Notify(id);
        }
    }

    /// <summary>Waits until a message is queued or <paramref name="timeout"/> passes on the recorder's clock.</summary>
    internal async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await wake.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout passed: time to look for due retries.
        }
    }

    private void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    private void Notify(long id) => Changed?.Invoke(id);

    public void Dispose() => wake.Dispose();

    /// <summary>The row as SQLite returns it (integers are 64-bit, names are text).</summary>
    /// <summary>A row of <see cref="SelectEntry"/>, by position.</summary>
    private static OutboxEntry ReadEntry(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetUtcTimestamp(4), r.GetUtcTimestamp(5),
        Enum.Parse<OutboxState>(r.GetString(6)), r.GetInt32(7), r.GetUtcTimestamp(8), r.GetStringOrNull(9), r.GetUtcTimestampOrNull(10));
}
