using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Events;

/// <summary>
/// The index's log of event changes (<c>event_change</c>), what alerts are sent from: every change to an event is
/// appended in the same transaction as the change itself, numbered in the order it happened. Whoever sends alerts keeps
/// the last number it handled, so nothing is lost or sent twice across a restart.
/// </summary>
public sealed class EventChangeLog
{
    /// <summary>The log is for sending alerts, which give up after an hour: two days is plenty.</summary>
    private static readonly TimeSpan Kept = TimeSpan.FromDays(2);

    private readonly RecordingIndex index;

    internal EventChangeLog(RecordingIndex index) => this.index = index;

    /// <summary>The changes after <paramref name="sequence"/>, oldest first.</summary>
    public async Task<IReadOnlyList<EventChange>> AfterAsync(long sequence, int limit)
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.QueryAsync(
            "SELECT c.seq, c.kind, c.event_id, c.camera_id, c.at_us, c.labels FROM event_change c WHERE c.seq > @Sequence ORDER BY c.seq LIMIT @Limit",
            r => new EventChange(r.GetInt64(0), Enum.Parse<EventChangeKind>(r.GetString(1)), r.GetInt64(2), r.GetString(3),
                WallClock.FromMicroseconds(r.GetInt64(4)), ReadLabels(r.GetStringOrNull(5))),
            new { Sequence = sequence, Limit = limit });
    }

    /// <summary>The number of the newest change, or 0.</summary>
    public async Task<long> LastSequenceAsync()
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT MAX(seq) FROM event_change") ?? 0;
    }

    /// <summary>
    /// Whether the event's pictures were made, or could not be (its Pictured change is in the log), before the change
    /// <paramref name="sequence"/> when given.
    /// </summary>
    public async Task<bool> PicturesSettledAsync(long eventId, long? sequence = null)
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM event_change WHERE event_id = @Id AND kind = @Kind AND seq < @Sequence)",
            new { Id = eventId, Kind = nameof(EventChangeKind.Pictured), Sequence = sequence ?? long.MaxValue });
    }

    /// <summary>The labels the detector had added to an event before the change <paramref name="sequence"/>.</summary>
    public async Task<IReadOnlySet<string>> LabelsBeforeAsync(long eventId, long sequence)
    {
        await using var connection = await index.OpenConnectionAsync();
        var rows = await connection.QueryAsync(
            "SELECT labels FROM event_change WHERE event_id = @Id AND seq < @Sequence AND labels IS NOT NULL",
            r => r.GetString(0), new { Id = eventId, Sequence = sequence });
        return rows.SelectMany(ReadLabels).ToHashSet(StringComparer.Ordinal);
    }

    internal static async Task<EventChange> AppendAsync(
        SqliteConnection connection, SqliteTransaction transaction, EventChangeKind kind, long eventId, string cameraId, DateTimeOffset now,
        IReadOnlyList<string>? labels = null)
    {
        var sequence = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO event_change (event_id, camera_id, kind, at_us, labels) VALUES (@Id, @CameraId, @Kind, @At, @Labels) RETURNING seq",
            new
            {
                Id = eventId,
                CameraId = cameraId,
                Kind = kind.ToString(),
                At = WallClock.ToMicroseconds(now),
                Labels = labels is { Count: > 0 } some ? JsonSerializer.Serialize(some.ToArray(), EventJson.Default.StringArray) : null,
            },
            transaction);
        return new EventChange(sequence, kind, eventId, cameraId, now, labels ?? []);
    }

    /// <summary>Forgets changes older than anyone still sends alerts for.</summary>
    internal static Task<int> PruneAsync(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now) =>
        connection.ExecuteAsync("DELETE FROM event_change WHERE at_us < @Oldest", new { Oldest = WallClock.ToMicroseconds(now - Kept) }, transaction);

    private static string[] ReadLabels(string? json) => json is null ? [] : JsonSerializer.Deserialize(json, EventJson.Default.StringArray) ?? [];
}
