using Microsoft.Data.Sqlite;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Audit;

/// <summary>
/// The security audit log shown under Settings → Log. Details are written for the owner to read and never hold
/// a secret (no password, code, key or token, not even a wrong one).
/// </summary>
public sealed class AuditLog(Database database, TimeProvider clock)
{
    private const int MaxDetailLength = 500;

    public async Task WriteAsync(AuditEvent auditEvent, string detail)
    {
        await using var connection = await database.OpenAsync();
        await WriteAsync(connection, null, auditEvent, detail);
    }

    /// <summary>Writes inside the caller's transaction, so the entry exists exactly when the change it records does.</summary>
    public Task WriteAsync(SqliteConnection connection, SqliteTransaction? transaction, AuditEvent auditEvent, string detail) =>
        connection.ExecuteAsync(
            "INSERT INTO audit_log (at_utc, event, detail) VALUES (@At, @Event, @Detail)",
            new
            {
                At = clock.GetUtcNow(),
                Event = auditEvent.ToString(),
                Detail = detail.Length > MaxDetailLength ? detail[..MaxDetailLength] : detail,
            },
            transaction);

    public async Task<IReadOnlyList<AuditEntry>> ReadRecentAsync(int limit)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryAsync(
            "SELECT id, at_utc, event, detail FROM audit_log ORDER BY id DESC LIMIT @Limit",
            r => new AuditEntry(r.GetInt64(0), r.GetUtcTimestamp(1), r.GetString(2), r.GetString(3)),
            new { Limit = limit });
    }
}
