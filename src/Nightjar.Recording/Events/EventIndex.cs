using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nightjar.Recording.Motion;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Events;

/// <summary>
/// The events in the recordings index (<c>event</c>, <c>event_change</c>): in the same SQLite file as the recordings
/// they point to, so they are as durable as those, move with them to another disk, and are deleted with them. Every
/// change is also appended to <c>event_change</c> in the same transaction, which is what alerts are sent from.
/// </summary>
public sealed class EventIndex
{
    /// <summary>An event's clip, and what Keep protects: from this long before it began to this long after it ended.</summary>
    public static readonly TimeSpan ClipMargin = TimeSpan.FromSeconds(5);

    private static readonly long ClipMarginUs = (long)ClipMargin.TotalMicroseconds;

    /// <summary>The columns <see cref="ReadEvent"/> reads, in its order.</summary>
    private const string EventColumns =
        "e.id, e.camera_id, e.kind, e.start_us, e.end_us, e.region_x, e.region_y, e.region_width, e.region_height, e.objects, e.snapshot_path, e.thumbnail_path, e.picture_bytes, e.kept";

    private readonly RecordingIndex index;

    internal EventIndex(RecordingIndex index)
    {
        this.index = index;
        Changes = new EventChangeLog(index);
    }

    /// <summary>Every change to an event, in order: what alerts are sent from.</summary>
    public EventChangeLog Changes { get; }

    /// <summary>Stores a new event, open (no end yet), and its <see cref="EventChangeKind.Started"/> change.</summary>
    internal async Task<EventChange> StartAsync(string cameraId, string kind, long startUs, MotionRegion region, DateTimeOffset now)
    {
        await using var connection = await index.OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var id = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO event (camera_id, kind, start_us, region_x, region_y, region_width, region_height)
            VALUES (@CameraId, @Kind, @StartUs, @X, @Y, @Width, @Height) RETURNING id
            """,
            new { CameraId = cameraId, Kind = kind, StartUs = startUs, region.X, region.Y, region.Width, region.Height }, transaction);
        var change = await EventChangeLog.AppendAsync(connection, transaction, EventChangeKind.Started, id, cameraId, now);
        await transaction.CommitAsync();
        return change;
    }

    /// <summary>Records the event's pictures (null paths: none could be made) and how many bytes they take.</summary>
    internal async Task<EventChange?> SetPicturesAsync(long id, string? snapshotPath, string? thumbnailPath, long bytes, DateTimeOffset now)
    {
        await using var connection = await index.OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var cameraId = await connection.ExecuteScalarAsync<string>(
            "UPDATE event SET snapshot_path = @Snapshot, thumbnail_path = @Thumbnail, picture_bytes = @Bytes WHERE id = @Id RETURNING camera_id",
            new { Id = id, Snapshot = snapshotPath, Thumbnail = thumbnailPath, Bytes = bytes }, transaction);
        if (cameraId is null)
        {
            return null; // Deleted meanwhile (its camera was removed with its recordings).
        }

        var change = await EventChangeLog.AppendAsync(connection, transaction, EventChangeKind.Pictured, id, cameraId, now);
        await transaction.CommitAsync();
        return change;
    }

    /// <summary>
    /// Stores what the detector saw in an event (each label once, at its best), and with it, when it saw labels the
    /// event did not have (<paramref name="added"/>), an <see cref="EventChangeKind.Updated"/> change. Null when the
    /// event is gone, or nothing was added (then only its objects changed, which no one is told of).
    /// </summary>
    internal async Task<EventChange?> SetObjectsAsync(long id, IReadOnlyList<DetectedObject> objects, IReadOnlyList<string> added, DateTimeOffset now)
    {
        await using var connection = await index.OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var cameraId = await connection.ExecuteScalarAsync<string>(
            "UPDATE event SET objects = @Objects WHERE id = @Id RETURNING camera_id",
            new { Id = id, Objects = JsonSerializer.Serialize(objects.ToList(), EventJson.Default.ListDetectedObject) }, transaction);
        EventChange? change = null;
        if (cameraId is not null && added.Count > 0)
        {
            change = await EventChangeLog.AppendAsync(connection, transaction, EventChangeKind.Updated, id, cameraId, now, added);
        }

        await transaction.CommitAsync();
        return change;
    }

    /// <summary>Replaces an event's thumbnail (redrawn with what the detector saw) and adds the difference in its size.</summary>
    internal async Task<bool> SetThumbnailAsync(long id, string thumbnailPath, long bytesAdded)
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "UPDATE event SET thumbnail_path = @Thumbnail, picture_bytes = picture_bytes + @Added WHERE id = @Id",
            new { Id = id, Thumbnail = thumbnailPath, Added = bytesAdded }) > 0;
    }

    /// <summary>Ends an open event at <paramref name="endUs"/> with the whole region it moved in; null when it is gone or already ended.</summary>
    internal async Task<EventChange?> EndAsync(long id, long endUs, MotionRegion region, DateTimeOffset now)
    {
        await using var connection = await index.OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var row = await connection.QueryFirstOrDefaultAsync(
            """
            UPDATE event SET end_us = MAX(@EndUs, start_us), region_x = @X, region_y = @Y, region_width = @Width, region_height = @Height
            WHERE id = @Id AND end_us IS NULL RETURNING camera_id, kept
            """,
            r => (CameraId: r.GetString(0), Kept: r.GetInt64(1) != 0),
            new { Id = id, EndUs = endUs, region.X, region.Y, region.Width, region.Height }, transaction);
        if (row.CameraId is null)
        {
            return null;
        }

        if (row.Kept)
        {
            await MarkKeptRecordingsAsync(connection, transaction, row.CameraId, now);
        }

        var change = await EventChangeLog.AppendAsync(connection, transaction, EventChangeKind.Ended, id, row.CameraId, now);
        await transaction.CommitAsync();
        return change;
    }

    /// <summary>
    /// At start, before anything records: every event left open by a crash or a power cut ends where its camera's
    /// recording ended (or where it began, if nothing was recorded after it).
    /// </summary>
    internal async Task<IReadOnlyList<EventChange>> EndLeftOpenAsync(DateTimeOffset now)
    {
        await using var connection = await index.OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var open = await connection.QueryAsync(
            """
            UPDATE event SET end_us = MAX(start_us, COALESCE(
                (SELECT MAX(r.end_us) FROM recording r JOIN stream s ON s.id = r.stream_id WHERE s.camera_id = event.camera_id), start_us))
            WHERE end_us IS NULL RETURNING id, camera_id
            """,
            r => (Id: r.GetInt64(0), CameraId: r.GetString(1)), transaction: transaction);
        var changes = new List<EventChange>();
        foreach (var (id, cameraId) in open)
        {
            changes.Add(await EventChangeLog.AppendAsync(connection, transaction, EventChangeKind.Ended, id, cameraId, now));
        }

        await EventChangeLog.PruneAsync(connection, transaction, now);
        await transaction.CommitAsync();
        return changes;
    }

    public async Task<RecordedEvent?> GetAsync(long id)
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.QueryFirstOrDefaultAsync($"SELECT {EventColumns} FROM event e WHERE e.id = @Id", ReadEvent, new { Id = id });
    }

    /// <summary>Events as <paramref name="filter"/> says, newest first.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ListAsync(EventFilter filter)
    {
        var labels = filter.Labels is { Count: > 0 } some ? JsonSerializer.Serialize(some.ToArray(), EventJson.Default.StringArray) : null;
        await using var connection = await index.OpenConnectionAsync();
        return await connection.QueryAsync(
            $"""
            SELECT {EventColumns} FROM event e
            WHERE e.start_us >= @From AND e.start_us < @To AND e.start_us < @Before
              AND (@CameraId IS NULL OR e.camera_id = @CameraId)
              AND (@Labels IS NULL OR EXISTS (SELECT 1 FROM json_each(e.objects) o
                   WHERE json_extract(o.value, '$.label') IN (SELECT value FROM json_each(@Labels))))
            ORDER BY e.start_us DESC, e.id DESC LIMIT @Limit
            """,
            ReadEvent,
            new
            {
                From = filter.From is { } from ? WallClock.ToMicroseconds(from) : long.MinValue,
                To = filter.To is { } to ? WallClock.ToMicroseconds(to) : long.MaxValue,
                Before = filter.Before is { } before ? WallClock.ToMicroseconds(before) : long.MaxValue,
                filter.CameraId,
                Labels = labels,
                filter.Limit,
            });
    }

    /// <summary>The starts of a camera's events in [<paramref name="from"/>, <paramref name="to"/>), oldest first (the marks on the Timeline).</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ListForTimelineAsync(string cameraId, DateTimeOffset from, DateTimeOffset to)
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.QueryAsync(
            $"SELECT {EventColumns} FROM event e WHERE e.camera_id = @CameraId AND e.start_us >= @From AND e.start_us < @To ORDER BY e.start_us",
            ReadEvent,
            new { CameraId = cameraId, From = WallClock.ToMicroseconds(from), To = WallClock.ToMicroseconds(to) });
    }

    /// <summary>The events going on now.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ListOpenAsync()
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.QueryAsync($"SELECT {EventColumns} FROM event e WHERE e.end_us IS NULL", ReadEvent);
    }

    /// <summary>
    /// Marks an event kept (or not) and, with it, every recording of its camera that its clip touches, which retention
    /// then spares. Refused (false) when the kept recordings would take more than <paramref name="maxKeptBytes"/>.
    /// </summary>
    internal async Task<KeepOutcome> KeepAsync(long id, bool keep, long maxKeptBytes, DateTimeOffset now)
    {
        await using var connection = await index.OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var cameraId = await connection.ExecuteScalarAsync<string>(
            "UPDATE event SET kept = @Kept WHERE id = @Id RETURNING camera_id", new { Id = id, Kept = keep ? 1 : 0 }, transaction);
        if (cameraId is null)
        {
            return KeepOutcome.NotFound;
        }

        await MarkKeptRecordingsAsync(connection, transaction, cameraId, now);
        var keptBytes = await connection.ExecuteScalarAsync<long?>("SELECT SUM(bytes) FROM recording WHERE kept = 1", transaction: transaction) ?? 0;
        if (keep && keptBytes > maxKeptBytes)
        {
            return KeepOutcome.OverShare; // rolled back
        }

        await transaction.CommitAsync();
        return KeepOutcome.Done;
    }

    /// <summary>Bytes of the recordings that kept events protect.</summary>
    public async Task<long> KeptBytesAsync()
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT SUM(bytes) FROM recording WHERE kept = 1") ?? 0;
    }

    /// <summary>Bytes of every event picture.</summary>
    internal async Task<long> PictureBytesAsync()
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT SUM(picture_bytes) FROM event") ?? 0;
    }

    /// <summary>Every picture path the index knows (for start-up to delete pictures whose event is gone).</summary>
    internal async Task<HashSet<string>> PicturePathsAsync()
    {
        await using var connection = await index.OpenConnectionAsync();
        var rows = await connection.QueryAsync(
            "SELECT snapshot_path, thumbnail_path FROM event WHERE snapshot_path IS NOT NULL OR thumbnail_path IS NOT NULL",
            r => (r.GetStringOrNull(0), r.GetStringOrNull(1)));
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (snapshot, thumbnail) in rows)
        {
            if (snapshot is not null)
            {
                paths.Add(snapshot);
            }

            if (thumbnail is not null)
            {
                paths.Add(thumbnail);
            }
        }

        return paths;
    }

    /// <summary>Forgets pictures whose files are gone (a crash between their deletion and the row's, or a damaged disk).</summary>
    internal async Task ForgetPicturesAsync(IReadOnlyCollection<string> missing)
    {
        await using var connection = await index.OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var path in missing)
        {
            await connection.ExecuteAsync(
                """
                UPDATE event SET snapshot_path = CASE WHEN snapshot_path = @Path THEN NULL ELSE snapshot_path END,
                    thumbnail_path = CASE WHEN thumbnail_path = @Path THEN NULL ELSE thumbnail_path END
                WHERE snapshot_path = @Path OR thumbnail_path = @Path
                """,
                new { Path = path }, transaction);
        }

        await connection.ExecuteAsync(
            "UPDATE event SET picture_bytes = 0 WHERE snapshot_path IS NULL AND thumbnail_path IS NULL", transaction: transaction);
        await transaction.CommitAsync();
    }

    /// <summary>
    /// The events of a camera that are not kept and began before <paramref name="beforeUs"/> (all of them when null):
    /// what goes when retention has deleted the recordings up to there, or the owner deleted the camera's recordings.
    /// </summary>
    internal async Task<IReadOnlyList<RecordedEvent>> ListDeletableAsync(string cameraId, long? beforeUs)
    {
        await using var connection = await index.OpenConnectionAsync();
        return await connection.QueryAsync(
            $"SELECT {EventColumns} FROM event e WHERE e.camera_id = @CameraId AND (@All OR (e.kept = 0 AND e.start_us < @Before))",
            ReadEvent,
            new { CameraId = cameraId, All = beforeUs is null, Before = beforeUs ?? 0 });
    }

    /// <summary>Deletes event rows; their pictures must already be gone (a crash in between leaves rows without pictures, which start-up mends).</summary>
    internal async Task DeleteAsync(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await index.OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var id in ids)
        {
            await connection.ExecuteAsync("DELETE FROM event WHERE id = @Id", new { Id = id }, transaction);
        }

        await transaction.CommitAsync();
    }

    /// <summary>Marks exactly the recordings of a camera that a kept event's clip touches (an open event's reaches to now).</summary>
    private static Task<int> MarkKeptRecordingsAsync(SqliteConnection connection, SqliteTransaction transaction, string cameraId, DateTimeOffset now) =>
        connection.ExecuteAsync(
            """
            UPDATE recording SET kept = EXISTS (SELECT 1 FROM event e
                WHERE e.kept = 1 AND e.camera_id = @CameraId
                  AND recording.start_us < COALESCE(e.end_us, @Now) + @Margin AND recording.end_us > e.start_us - @Margin)
            WHERE stream_id IN (SELECT id FROM stream WHERE camera_id = @CameraId)
            """,
            new { CameraId = cameraId, Now = WallClock.ToMicroseconds(now), Margin = ClipMarginUs }, transaction);

    /// <summary>A row of <see cref="EventColumns"/>, by position.</summary>
    private static RecordedEvent ReadEvent(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), WallClock.FromMicroseconds(r.GetInt64(3)),
        r.GetInt64OrNull(4) is { } end ? WallClock.FromMicroseconds(end) : null,
        new MotionRegion(r.GetDouble(5), r.GetDouble(6), r.GetDouble(7), r.GetDouble(8)),
        ReadObjects(r.GetString(9)), r.GetStringOrNull(10), r.GetStringOrNull(11), r.GetInt64(12), r.GetInt64(13) != 0);

    private static List<DetectedObject> ReadObjects(string json) =>
        json == "[]" ? [] : JsonSerializer.Deserialize(json, EventJson.Default.ListDetectedObject) ?? [];
}
