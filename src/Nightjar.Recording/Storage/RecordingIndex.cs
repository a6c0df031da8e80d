using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Nightjar.Recording.Storage;

/// <summary>
/// The index of every recording file: its own SQLite file in the recordings folder, so the recordings can move to
/// their own disk with their index. WAL and <c>synchronous=NORMAL</c>: a power cut may lose the last commits but never
/// corrupts the file, and start-up reconciliation re-reads whatever the lost commits described from the files themselves.
/// </summary>
public sealed class RecordingIndex
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE stream (
            id INTEGER PRIMARY KEY,
            camera_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            pending_gap_reason TEXT NULL,
            UNIQUE (camera_id, kind)
        );
        CREATE TABLE recording (
            id INTEGER PRIMARY KEY,
            stream_id INTEGER NOT NULL REFERENCES stream (id),
            path TEXT NOT NULL UNIQUE,
            start_us INTEGER NOT NULL,
            end_us INTEGER NOT NULL,
            media_start INTEGER NOT NULL,
            media_duration INTEGER NOT NULL,
            local_start_delta_us INTEGER NOT NULL DEFAULT 0,
            bytes INTEGER NOT NULL,
            init_bytes INTEGER NOT NULL,
            fragments INTEGER NOT NULL,
            codec TEXT NOT NULL,
            browser_codec TEXT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            audio TEXT NULL,
            gap_reason TEXT NULL,
            open INTEGER NOT NULL
        );
        CREATE INDEX recording_stream_time ON recording (stream_id, start_us);
        CREATE INDEX recording_start ON recording (start_us);
        CREATE TABLE fragment_run (
            recording_id INTEGER NOT NULL REFERENCES recording (id) ON DELETE CASCADE,
            first INTEGER NOT NULL,
            entries BLOB NOT NULL,
            PRIMARY KEY (recording_id, first)
        ) WITHOUT ROWID;
        CREATE TABLE engine_run (
            id INTEGER PRIMARY KEY,
            started_us INTEGER NOT NULL,
            stopped_us INTEGER NULL,
            stop_reason TEXT NULL
        );
        """,

        // 2: events (motion), their change log (what alerts are sent from), and recordings that a kept event protects.
        """
        CREATE TABLE event (
            id INTEGER PRIMARY KEY,
            camera_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            start_us INTEGER NOT NULL,
            end_us INTEGER NULL,
            region_x REAL NOT NULL,
            region_y REAL NOT NULL,
            region_width REAL NOT NULL,
            region_height REAL NOT NULL,
            objects TEXT NOT NULL DEFAULT '[]',
            snapshot_path TEXT NULL,
            thumbnail_path TEXT NULL,
            picture_bytes INTEGER NOT NULL DEFAULT 0,
            kept INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX event_start ON event (start_us);
        CREATE INDEX event_camera_start ON event (camera_id, start_us);
        CREATE TABLE event_change (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id INTEGER NOT NULL,
            camera_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            at_us INTEGER NOT NULL
        );
        ALTER TABLE recording ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;
        """,

        // 3: the labels an Updated change added to its event (JSON array), so alerts for people or vehicles go out once.
        """
        ALTER TABLE event_change ADD COLUMN labels TEXT NULL;
        """,

        // 4: the run's time that is 0 in a file's bytes (files cut from a run start at 0); earlier files kept the run's.
        """
        ALTER TABLE recording ADD COLUMN bytes_base INTEGER NOT NULL DEFAULT 0;
        """,
    ];

    /// <summary>
    /// No file is longer than this (rotation cuts them at about a minute): a query for a time range reads the index
    /// from this far before it, not from the first recording ever.
    /// </summary>
    private const long LongestRecordingUs = 3_600_000_000;

    /// <summary>The columns <see cref="ReadRecording"/> reads, in its order.</summary>
    private const string RecordingColumns = """
        r.id, s.camera_id, s.kind, r.path, r.start_us, r.end_us, r.media_start, r.media_duration, r.bytes, r.init_bytes,
        r.fragments, r.codec, r.browser_codec, r.width, r.height, r.audio, r.gap_reason, r.open, r.bytes_base
        """;

    private readonly string connectionString;
    private readonly Dictionary<StreamKey, long> streamIds = [];

    private RecordingIndex(string path)
    {
        Path = path;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 10,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens (and creates or upgrades) the index at <paramref name="path"/>.</summary>
    public static async Task<RecordingIndex> OpenAsync(string path)
    {
        var index = new RecordingIndex(path);
        await using var connection = await index.OpenConnectionAsync();
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        var version = await connection.ExecuteScalarAsync<int>("PRAGMA user_version;");
        if (version > Migrations.Length)
        {
            throw new InvalidOperationException($"The recordings index is at version {version}, newer than this recorder ({Migrations.Length}).");
        }

        for (var v = version + 1; v <= Migrations.Length; v++)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await connection.ExecuteAsync(Migrations[v - 1], transaction: transaction);
            await connection.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {v};"), transaction: transaction);
            await transaction.CommitAsync();
        }

        foreach (var row in await connection.QueryAsync("SELECT id, camera_id, kind FROM stream", r => (Id: r.GetInt64(0), CameraId: r.GetString(1), Kind: r.GetString(2))))
        {
            index.streamIds[new StreamKey(row.CameraId, ParseKind(row.Kind))] = row.Id;
        }

        return index;
    }

    internal async Task<SqliteConnection> OpenConnectionAsync()
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    /// <summary>Makes the stream's row (committed on its own, so no rolled-back transaction can leave a cached id behind).</summary>
    internal async Task<long> EnsureStreamAsync(StreamKey stream)
    {
        lock (streamIds)
        {
            if (streamIds.TryGetValue(stream, out var known))
            {
                return known;
            }
        }

        await using var connection = await OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO stream (camera_id, kind) VALUES (@CameraId, @Kind) ON CONFLICT (camera_id, kind) DO UPDATE SET kind = kind RETURNING id",
            new { stream.CameraId, Kind = stream.KindName });
        lock (streamIds)
        {
            streamIds[stream] = id;
        }

        return id;
    }

    private long StreamId(StreamKey stream)
    {
        lock (streamIds)
        {
            return streamIds.TryGetValue(stream, out var id) ? id : throw new InvalidOperationException($"Stream {stream} has no row yet.");
        }
    }

    /// <summary>Records that the engine started, and returns how the run before it ended (null on the first start).</summary>
    public async Task<(long RunId, EngineRun? Previous)> BeginEngineRunAsync(DateTimeOffset now)
    {
        await using var connection = await OpenConnectionAsync();
        var previous = await connection.QueryFirstOrDefaultAsync(
            "SELECT id, started_us, stopped_us, stop_reason FROM engine_run ORDER BY id DESC LIMIT 1",
            r => ((long Id, long StartedUs, long? StoppedUs, string? StopReason)?)(r.GetInt64(0), r.GetInt64(1), r.GetInt64OrNull(2), r.GetStringOrNull(3)));
        var id = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO engine_run (started_us) VALUES (@Now) RETURNING id", new { Now = WallClock.ToMicroseconds(now) });
        return (id, previous is { } p
            ? new EngineRun(p.Id, WallClock.FromMicroseconds(p.StartedUs), p.StoppedUs is { } s ? WallClock.FromMicroseconds(s) : null, p.StopReason)
            : null);
    }

    public async Task EndEngineRunAsync(long runId, DateTimeOffset now, string reason)
    {
        await using var connection = await OpenConnectionAsync();
        await connection.ExecuteAsync(
            "UPDATE engine_run SET stopped_us = @Now, stop_reason = @Reason WHERE id = @Id",
            new { Id = runId, Now = WallClock.ToMicroseconds(now), Reason = reason });
    }

    /// <summary>The recordings of one stream that overlap [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public async Task<IReadOnlyList<RecordingSummary>> GetRecordingsAsync(StreamKey stream, DateTimeOffset from, DateTimeOffset to)
    {
        await using var connection = await OpenConnectionAsync();
        return await connection.QueryAsync(
            $"""
            SELECT {RecordingColumns} FROM recording r JOIN stream s ON s.id = r.stream_id
            WHERE s.camera_id = @CameraId AND s.kind = @Kind AND r.start_us > @EarliestStart AND r.start_us < @To AND r.end_us > @From
            ORDER BY r.start_us
            """,
            ReadRecording,
            Overlapping(stream, from, to));
    }

    /// <summary>The stream's newest recording, or null.</summary>
    public async Task<RecordingSummary?> GetLastRecordingAsync(StreamKey stream)
    {
        await using var connection = await OpenConnectionAsync();
        return await connection.QueryFirstOrDefaultAsync(
            $"""
            SELECT {RecordingColumns} FROM recording r JOIN stream s ON s.id = r.stream_id
            WHERE s.camera_id = @CameraId AND s.kind = @Kind ORDER BY r.start_us DESC LIMIT 1
            """,
            ReadRecording,
            new { stream.CameraId, Kind = stream.KindName });
    }

    /// <summary>Whether anything of the stream was recorded in [<paramref name="from"/>, <paramref name="to"/>) (before an export is planned).</summary>
    public async Task<bool> HasRecordingsAsync(StreamKey stream, DateTimeOffset from, DateTimeOffset to) =>
        (await WhichHaveRecordingsAsync(stream, [(from, to)]))[0];

    /// <summary>
    /// Which of <paramref name="ranges"/> (each [start, end), say the days of a month in the box's time zone) hold a
    /// recording of <paramref name="stream"/>, in their order: one connection and one prepared statement for a
    /// calendar's month, not a query each.
    /// </summary>
    public async Task<IReadOnlyList<bool>> WhichHaveRecordingsAsync(StreamKey stream, IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> ranges)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM recording r JOIN stream s ON s.id = r.stream_id
                WHERE s.camera_id = @CameraId AND s.kind = @Kind AND r.start_us > @EarliestStart AND r.start_us < @To AND r.end_us > @From)
            """;
        command.Parameters.AddWithValue("@CameraId", stream.CameraId);
        command.Parameters.AddWithValue("@Kind", stream.KindName);
        var from = command.Parameters.Add("@From", SqliteType.Integer);
        var to = command.Parameters.Add("@To", SqliteType.Integer);
        var earliestStart = command.Parameters.Add("@EarliestStart", SqliteType.Integer);
        var found = new List<bool>(ranges.Count);
        foreach (var (start, end) in ranges)
        {
            from.Value = WallClock.ToMicroseconds(start);
            to.Value = WallClock.ToMicroseconds(end);
            earliestStart.Value = WallClock.ToMicroseconds(start) - LongestRecordingUs;
            found.Add(Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) != 0);
        }

        return found;
    }

    /// <summary>
    /// The parameters of "the stream's recordings that overlap [from, to)": a recording starts at most the longest
    /// recording before <c>from</c>, which lets the start index bound the search.
    /// </summary>
    private static object Overlapping(StreamKey stream, DateTimeOffset from, DateTimeOffset to) => new
    {
        stream.CameraId,
        Kind = stream.KindName,
        From = WallClock.ToMicroseconds(from),
        To = WallClock.ToMicroseconds(to),
        EarliestStart = WallClock.ToMicroseconds(from) - LongestRecordingUs,
    };

    /// <summary>Every recording, oldest first (for reconciliation and tests).</summary>
    public async Task<IReadOnlyList<RecordingSummary>> GetAllRecordingsAsync()
    {
        await using var connection = await OpenConnectionAsync();
        return await connection.QueryAsync(
            $"SELECT {RecordingColumns} FROM recording r JOIN stream s ON s.id = r.stream_id ORDER BY r.start_us", ReadRecording);
    }

    /// <summary>The oldest closed recordings that no kept event protects, for retention to delete first.</summary>
    internal async Task<IReadOnlyList<RecordingSummary>> GetOldestClosedAsync(int limit)
    {
        await using var connection = await OpenConnectionAsync();
        return await connection.QueryAsync(
            $"SELECT {RecordingColumns} FROM recording r JOIN stream s ON s.id = r.stream_id WHERE r.open = 0 AND r.kept = 0 ORDER BY r.start_us LIMIT @Limit",
            ReadRecording,
            new { Limit = limit });
    }

    public async Task<IReadOnlyList<FragmentEntry>> GetFragmentsAsync(long recordingId)
    {
        await using var connection = await OpenConnectionAsync();
        var initBytes = await connection.ExecuteScalarAsync<long>("SELECT init_bytes FROM recording WHERE id = @Id", new { Id = recordingId });
        var blobs = await connection.QueryAsync(
            "SELECT entries FROM fragment_run WHERE recording_id = @Id ORDER BY first", r => (byte[])r.GetValue(0), new { Id = recordingId });
        var entries = new List<FragmentEntry>();
        var cursor = new FragmentEntryCodec.Cursor(initBytes, 0, 0);
        foreach (var blob in blobs)
        {
            FragmentEntryCodec.Decode(blob, ref cursor, entries);
        }

        return entries;
    }

    /// <summary>Bytes of every recording file the index knows, open ones included.</summary>
    public async Task<long> GetTotalBytesAsync()
    {
        await using var connection = await OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT SUM(bytes) FROM recording") ?? 0;
    }

    /// <summary>Per camera: the start of its oldest recording kept, and how many bytes it holds.</summary>
    public async Task<IReadOnlyList<(string CameraId, DateTimeOffset Oldest, long Bytes)>> GetCamerasAsync()
    {
        await using var connection = await OpenConnectionAsync();
        return await connection.QueryAsync(
            "SELECT s.camera_id, MIN(r.start_us), SUM(r.bytes) FROM recording r JOIN stream s ON s.id = r.stream_id GROUP BY s.camera_id",
            r => (CameraId: r.GetString(0), Oldest: WallClock.FromMicroseconds(r.GetInt64(1)), Bytes: r.GetInt64(2)));
    }

    /// <summary>End of the last recording of each stream, and the reason its next recording will give for the gap.</summary>
    internal async Task<IReadOnlyDictionary<StreamKey, (long LastEndUs, string? PendingGapReason)>> GetStreamEndsAsync()
    {
        await using var connection = await OpenConnectionAsync();
        var rows = await connection.QueryAsync(
            "SELECT s.camera_id, s.kind, (SELECT MAX(end_us) FROM recording r WHERE r.stream_id = s.id), s.pending_gap_reason FROM stream s",
            r => (CameraId: r.GetString(0), Kind: r.GetString(1), LastEndUs: r.GetInt64OrNull(2), Reason: r.GetStringOrNull(3)));
        return rows.ToDictionary(r => new StreamKey(r.CameraId, ParseKind(r.Kind)), r => (r.LastEndUs ?? 0, r.Reason));
    }

    /// <summary>Deletes index rows (and their fragment entries). The files must already be gone, so a crash in between leaves a row without a file, which start-up drops.</summary>
    internal async Task DeleteRecordingsAsync(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var id in ids)
        {
            await connection.ExecuteAsync("DELETE FROM recording WHERE id = @Id", new { Id = id }, transaction);
        }

        await transaction.CommitAsync();
    }

    /// <summary>
    /// One transaction for every stream's progress since the last flush: new files, their new fragment entries, their
    /// current ends, files that closed, and why each stream is down. The caller flushed the files' bytes first.
    /// </summary>
    internal async Task CommitAsync(IReadOnlyList<FileSnapshot> files, IReadOnlyList<(StreamKey Stream, string? Reason)> gapReasons)
    {
        await using var connection = await OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        var newRows = new List<(FileSnapshot Snapshot, long Id)>();
        foreach (var snapshot in files)
        {
            var file = snapshot.File;
            var id = file.RowId;
            if (id == 0)
            {
                id = await InsertRowAsync(
                    connection, transaction, file.Stream, file.RelativePath, file.Init, file.MediaStart, file.BytesBase, snapshot.StartUs, file.GapReason);
                newRows.Add((snapshot, id));
            }

            if (snapshot.EntryCount > 0)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO fragment_run (recording_id, first, entries) VALUES (@Id, @First, @Entries)",
                    new { Id = id, First = snapshot.FirstEntry, snapshot.Entries }, transaction);
            }

            await connection.ExecuteAsync(
                """
                UPDATE recording SET start_us = @StartUs, end_us = @EndUs, media_duration = @MediaDuration, bytes = @Bytes,
                    fragments = @Fragments, local_start_delta_us = @LocalStartDeltaUs, open = @Open
                WHERE id = @Id
                """,
                new { Id = id, snapshot.StartUs, snapshot.EndUs, snapshot.MediaDuration, snapshot.Bytes, snapshot.Fragments, snapshot.LocalStartDeltaUs, Open = snapshot.Closed ? 0 : 1 },
                transaction);
        }

        foreach (var (stream, reason) in gapReasons)
        {
            await connection.ExecuteAsync(
                "UPDATE stream SET pending_gap_reason = @Reason WHERE id = @Id",
                new { Id = StreamId(stream), Reason = reason }, transaction);
        }

        await transaction.CommitAsync();
        // Only now: a row id from a transaction that did not commit would point the next flush at nothing.
        foreach (var (snapshot, id) in newRows)
        {
            snapshot.File.RowId = id;
        }
    }

    /// <summary>Completes the row of a file that was open when the recorder stopped, from what the file holds.</summary>
    internal async Task ReplaceWithScanAsync(RecordingSummary row, RecordingScan scan)
    {
        await using var connection = await OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        await connection.ExecuteAsync("DELETE FROM fragment_run WHERE recording_id = @Id", new { row.Id }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO fragment_run (recording_id, first, entries) VALUES (@Id, 0, @Entries)", new { row.Id, scan.Entries }, transaction);
        var startUs = WallClock.ToMicroseconds(row.Start);
        await connection.ExecuteAsync(
            """
            UPDATE recording SET end_us = @EndUs, media_start = @MediaStart, media_duration = @MediaDuration, bytes = @Bytes, fragments = @Fragments, open = 0
            WHERE id = @Id
            """,
            new
            {
                row.Id,
                EndUs = startUs + WallClock.MediaToMicroseconds(scan.MediaDuration),
                MediaStart = scan.MediaStart + row.BytesBase, // the scan reads the file's own times
                scan.MediaDuration,
                Bytes = scan.WholeLength,
                scan.Fragments,
            },
            transaction);
        await transaction.CommitAsync();
    }

    /// <summary>Indexes a file that has no row (made just before a crash, or restored from a copy).</summary>
    internal async Task InsertScanAsync(StreamKey stream, string path, long startUs, RecordingScan scan)
    {
        await using var connection = await OpenConnectionAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        // Without a row nothing says where the file sat in its run: its own times are taken as they are.
        var id = await InsertRowAsync(connection, transaction, stream, path, scan.Init, scan.MediaStart, bytesBase: 0, startUs, gapReason: null);
        await connection.ExecuteAsync(
            "UPDATE recording SET end_us = @EndUs, media_duration = @MediaDuration, bytes = @Bytes, fragments = @Fragments, open = 0 WHERE id = @Id",
            new { Id = id, EndUs = startUs + WallClock.MediaToMicroseconds(scan.MediaDuration), scan.MediaDuration, Bytes = scan.WholeLength, scan.Fragments },
            transaction);
        await connection.ExecuteAsync(
            "INSERT INTO fragment_run (recording_id, first, entries) VALUES (@Id, 0, @Entries)", new { Id = id, scan.Entries }, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>A new row for a file: open, no fragments yet; later updates fill in its end, bytes and entries.</summary>
    private async Task<long> InsertRowAsync(
        SqliteConnection connection, SqliteTransaction transaction, StreamKey stream, string path, Mp4.InitSegment init, long mediaStart, long bytesBase,
        long startUs, string? gapReason)
    {
        var video = init.Video!;
        return await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO recording (stream_id, path, start_us, end_us, media_start, bytes_base, media_duration, bytes, init_bytes, fragments,
                codec, browser_codec, width, height, audio, gap_reason, open)
            VALUES (@StreamId, @Path, @StartUs, @StartUs, @MediaStart, @BytesBase, 0, @InitBytes, @InitBytes, 0, @Codec, @BrowserCodec, @Width, @Height,
                @Audio, @GapReason, 1)
            RETURNING id
            """,
            new
            {
                StreamId = StreamId(stream),
                Path = path,
                StartUs = startUs,
                MediaStart = mediaStart,
                BytesBase = bytesBase,
                InitBytes = init.Bytes.Length,
                Codec = video.Codec.Name,
                BrowserCodec = init.BrowserCodecs,
                video.Width,
                video.Height,
                Audio = init.Audio?.Codec.Name,
                GapReason = gapReason,
            },
            transaction);
    }

    internal static StreamKind ParseKind(string kind) => kind == "sub" ? StreamKind.Sub : StreamKind.Main;

    /// <summary>A row of <see cref="RecordingColumns"/>, by position.</summary>
    private static RecordingSummary ReadRecording(SqliteDataReader r) => new(
        r.GetInt64(0), new StreamKey(r.GetString(1), ParseKind(r.GetString(2))), r.GetString(3),
        WallClock.FromMicroseconds(r.GetInt64(4)), WallClock.FromMicroseconds(r.GetInt64(5)),
        r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt32(10), r.GetString(11), r.GetStringOrNull(12),
        r.GetInt32(13), r.GetInt32(14), r.GetStringOrNull(15), r.GetStringOrNull(16), r.GetInt64(17) != 0, r.GetInt64(18));
}
