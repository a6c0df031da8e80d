using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Hosting;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Storage;

/// <summary>
/// The recorder's SQLite file. Every connection gets the same pragmas, because SQLite keeps most of them per
/// connection: a connection opened without <c>foreign_keys</c> or <c>busy_timeout</c> would quietly behave differently.
/// </summary>
public sealed class Database
{
    public Database(IOptions<RecorderOptions> options)
    {
        var dataDir = options.Value.DataDirFullPath;
        DataFolder.CreatePrivate(dataDir);
        Path = System.IO.Path.Combine(dataDir, "nightjar.db");
        Recording.Storage.OwnerOnly.DatabaseFile(Path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 10,
        }.ToString();
    }

    public string Path { get; }

    private string ConnectionString { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // synchronous=FULL: a committed password change must survive a power cut, not only a process kill.
        // secure_delete: erased bytes (a delivered Secure Code) are zeroed in the file, not left in free space.
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;");
        return connection;
    }

    /// <summary>
    /// Copies every committed page into the main file and empties the WAL. Call after erasing a secret: the WAL
    /// still holds the pages as they were before the erasure until it is truncated.
    /// </summary>
    public async Task TruncateWalAsync()
    {
        await using var connection = await OpenAsync();
        await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction (the write lock is taken up front, so two writers never deadlock on upgrade).</summary>
    public async Task<T> InTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
