using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// The one durable outbox of every message that leaves the recorder: email (Secure Codes, "password changed", alerts),
/// MQTT and webhook alerts. A message is queued inside the transaction of the change it reports, so it exists exactly
/// when that change does and survives a crash or a reboot; each channel's sender delivers it, retrying on
/// <see cref="RetrySchedule"/> until it no longer matters. Messages with the same sequence key (a camera's alerts) go
/// out in the order they were queued. A message that carries a secret (a Secure Code) has its content erased once
/// delivered or given up, so the code is never kept in clear longer than it takes to send it.
/// </summary>
public sealed class Outbox(Database database, TimeProvider clock) : IDisposable
{
    private const int MaxErrorLength = 300;

    /// <summary>The columns <see cref="ReadEntry"/> reads, in its order.</summary>
    private const string SelectEntry =
        "SELECT id, purpose, recipient, subject, created_utc, not_after_utc, state, attempts, next_attempt_utc, last_error, sent_utc, channel, folded FROM outbox";

    /// <summary>Messages still to be delivered.</summary>
    private const string Waiting = "state IN ('Queued', 'Retrying') AND content IS NOT NULL";

    /// <summary>
    /// The messages (<c>o</c>) of a channel and priority band that wait to be delivered and may go: none queued before
    /// them with the same sequence key still waits.
    /// </summary>
    private const string Eligible = """
        o.channel = @Channel AND o.priority = @Priority AND o.state IN ('Queued', 'Retrying') AND o.content IS NOT NULL
        AND (o.sequence_key IS NULL OR NOT EXISTS (SELECT 1 FROM outbox p
             WHERE p.channel = o.channel AND p.sequence_key = o.sequence_key AND p.id < o.id
               AND p.state IN ('Queued', 'Retrying') AND p.content IS NOT NULL))
        """;

    private readonly ConcurrentDictionary<(string Channel, int Priority), SemaphoreSlim> wakes = new();

    /// <summary>Raised after a message changes state (queued, sent, retrying, …) with its id.</summary>
    public event Action<long>? Changed;

    public async Task<long> EnqueueAsync(SqliteConnection connection, SqliteTransaction transaction, OutboxMessage message)
    {
        var now = clock.GetUtcNow();
        return await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO outbox (channel, purpose, recipient, subject, content, sensitive, created_utc, not_after_utc, state, next_attempt_utc,
                priority, sequence_key)
            VALUES (@Channel, @Purpose, @Recipient, @Subject, @Content, @Sensitive, @Now, @NotAfter, @State, @Now, @Priority, @SequenceKey)
            RETURNING id
            """,
            new
            {
                message.Channel,
                message.Purpose,
                message.Recipient,
                message.Subject,
                message.Content,
                message.Sensitive,
                Now = now,
                message.NotAfter,
                State = nameof(OutboxState.Queued),
                message.Priority,
                message.SequenceKey,
            },
            transaction);
    }

    /// <summary>
    /// When <paramref name="limit"/> messages of a channel and sequence key already wait (the channel has been down a
    /// while), the newest of them takes the next one in ("and 12 more") instead of a new row: true, nothing to queue.
    /// </summary>
    public async Task<bool> FoldIfFullAsync(SqliteConnection connection, SqliteTransaction transaction, string channel, string sequenceKey, int limit)
    {
        var waiting = await connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM outbox WHERE channel = @Channel AND sequence_key = @Key AND {Waiting}",
            new { Channel = channel, Key = sequenceKey }, transaction);
        if (waiting < limit)
        {
            return false;
        }

        await connection.ExecuteAsync(
            $"""
            UPDATE outbox SET folded = folded + 1
            WHERE id = (SELECT MAX(id) FROM outbox WHERE channel = @Channel AND sequence_key = @Key AND {Waiting})
            """,
            new { Channel = channel, Key = sequenceKey }, transaction);
        return true;
    }

    /// <summary>Tells the senders a message is waiting; call after the enqueuing transaction commits.</summary>
    public void Queued(long id)
    {
        Notify(id);
        foreach (var wake in wakes.Values)
        {
            Release(wake);
        }
    }

    public async Task<OutboxEntry?> GetAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync(SelectEntry + " WHERE id = @Id", ReadEntry, new { Id = id });
    }

    /// <summary>The newest messages of one channel (and priority, when given), newest first.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ListRecentAsync(int limit, string channel = OutboxChannel.Email, int? priority = null)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryAsync(
            SelectEntry + " WHERE channel = @Channel AND (@Priority IS NULL OR priority = @Priority) ORDER BY id DESC LIMIT @Limit",
            ReadEntry, new { Limit = limit, Channel = channel, Priority = priority });
    }

    /// <summary>The newest alerts of every channel, newest first (the delivery log of Settings → Notifications).</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ListRecentAlertsAsync(int limit)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryAsync(
            SelectEntry + " WHERE priority = @Alert ORDER BY id DESC LIMIT @Limit", ReadEntry, new { Limit = limit, Alert = OutboxPriority.Alert });
    }

    /// <summary>
    /// The first message of a channel (and priority band) whose attempt is due, that no earlier message with its
    /// sequence key is still waiting for; most urgent first, then oldest.
    /// </summary>
    internal async Task<DueMessage?> NextDueAsync(string channel, int priority)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryFirstOrDefaultAsync(
            $"""
            SELECT o.id, o.channel, o.purpose, o.sequence_key, o.content, o.not_after_utc, o.attempts, o.folded FROM outbox o
            WHERE {Eligible} AND o.next_attempt_utc <= @Now ORDER BY o.next_attempt_utc, o.id LIMIT 1
            """,
            r => new DueMessage(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), (byte[])r.GetValue(4), r.GetUtcTimestamp(5), r.GetInt32(6), r.GetInt32(7)),
            new { Channel = channel, Priority = priority, Now = clock.GetUtcNow() });
    }

    /// <summary>When the next waiting message of a channel and priority is due, or null when none waits.</summary>
    internal async Task<DateTimeOffset?> NextAttemptAsync(string channel, int priority)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<DateTimeOffset?>(
            $"SELECT MIN(o.next_attempt_utc) FROM outbox o WHERE {Eligible}",
            new { Channel = channel, Priority = priority });
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

    /// <summary>A failed attempt that may pass: the next one on the schedule, or given up when none fits before the message stops mattering.</summary>
    internal Task RetryOrExpireAsync(DueMessage message, string error) =>
        RetrySchedule.Next(message.Attempts + 1, clock.GetUtcNow(), message.NotAfter) is { } next
            ? MarkRetryAsync(message.Id, error, next)
            : MarkExpiredAsync(message.Id, error);

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
        if (finished)
        {
            // The next message of its sequence key may now go.
            foreach (var wake in wakes.Values)
            {
                Release(wake);
            }
        }
    }

    /// <summary>Gives up messages whose time has passed without delivery (the senders also do this as they go).</summary>
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

    /// <summary>
    /// A sender's life: delivers each due message of a channel and priority band in turn with <paramref name="deliver"/>
    /// (which marks it sent, retrying or failed), then sleeps until the next one is due or one is queued, for ever.
    /// Storage trouble is logged and tried again after 5 s; the messages stay queued.
    /// </summary>
    internal async Task SendForeverAsync(string channel, int priority, Func<DueMessage, CancellationToken, Task> deliver, ILogger logger, CancellationToken stoppingToken)
    {
        var idleCheck = TimeSpan.FromMinutes(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExpireOverdueAsync();
                while (!stoppingToken.IsCancellationRequested && await NextDueAsync(channel, priority) is { } due)
                {
                    await deliver(due, stoppingToken);
                }

                var next = await NextAttemptAsync(channel, priority);
                var wait = next is { } at ? at - clock.GetUtcNow() : idleCheck;
                await WaitForWorkAsync(channel, priority, wait < TimeSpan.Zero ? TimeSpan.Zero : wait > idleCheck ? idleCheck : wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The {Channel} sender failed; trying again in 5 s.", channel);
                await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
            }
        }
    }

    /// <summary>Waits until a message is queued for any sender or <paramref name="timeout"/> passes on the recorder's clock.</summary>
    internal async Task WaitForWorkAsync(string channel, int priority, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var wake = wakes.GetOrAdd((channel, priority), _ => new SemaphoreSlim(0, 1));
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

    private static void Release(SemaphoreSlim wake)
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

    public void Dispose()
    {
        foreach (var wake in wakes.Values)
        {
            wake.Dispose();
        }
    }

    /// <summary>A row of <see cref="SelectEntry"/>, by position.</summary>
    private static OutboxEntry ReadEntry(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetUtcTimestamp(4), r.GetUtcTimestamp(5),
        Enum.Parse<OutboxState>(r.GetString(6)), r.GetInt32(7), r.GetUtcTimestamp(8), r.GetStringOrNull(9), r.GetUtcTimestampOrNull(10),
        r.GetString(11), r.GetInt32(12));
}
