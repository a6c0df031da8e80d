using Dapper;
using Nightjar.Recorder.Storage;

namespace Nightjar.Recorder.Cameras;

/// <summary>The SQL of the <c>camera</c> table: cameras added on the console, their passwords encrypted.</summary>
public sealed class CameraStore(Database database, CameraPasswordProtector protector, TimeProvider clock)
{
    public sealed record SavedCamera(string Id, string Name, string StreamUrl, string? SubStreamUrl, string UserName, byte[]? PasswordCipher, bool Enabled);

    /// <summary>The cameras in use (not removed), oldest first: that is their channel order after the configured ones.</summary>
    public async Task<IReadOnlyList<SavedCamera>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string Id, string Name, string StreamUrl, string? SubStreamUrl, string UserName, byte[]? PasswordCipher, long Enabled)>(
            "SELECT id, name, stream_url, sub_stream_url, user_name, password_cipher, enabled FROM camera WHERE removed_utc IS NULL ORDER BY created_utc, id");
        return [.. rows.Select(r => new SavedCamera(r.Id, r.Name, r.StreamUrl, r.SubStreamUrl, r.UserName, r.PasswordCipher, r.Enabled != 0))];
    }

    /// <summary>Names of removed cameras whose recordings were kept, by id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RemovedNamesAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string Id, string Name)>("SELECT id, name FROM camera WHERE removed_utc IS NOT NULL");
        return rows.ToDictionary(r => r.Id, r => r.Name, StringComparer.Ordinal);
    }

    public async Task AddAsync(string id, CameraSettings settings)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO camera (id, name, stream_url, sub_stream_url, user_name, password_cipher, enabled, created_utc)
            VALUES (@Id, @Name, @StreamUrl, @SubStreamUrl, @UserName, @Cipher, @Enabled, @Now)
            """,
            Columns(id, settings, ("Now", clock.GetUtcNow())));
    }

    /// <summary>Saves new settings; a null password keeps the one saved.</summary>
    public async Task UpdateAsync(string id, CameraSettings settings)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            UPDATE camera SET name = @Name, stream_url = @StreamUrl, sub_stream_url = @SubStreamUrl, user_name = @UserName,
                password_cipher = CASE WHEN @KeepPassword THEN password_cipher ELSE @Cipher END, enabled = @Enabled
            WHERE id = @Id AND removed_utc IS NULL
            """,
            Columns(id, settings, ("KeepPassword", settings.Password is null)));
    }

    /// <summary>A camera's columns as parameters: its URLs without credentials, its password encrypted (or none).</summary>
    private DynamicParameters Columns(string id, CameraSettings settings, (string Name, object Value) extra)
    {
        var columns = new DynamicParameters(new
        {
            Id = id,
            settings.Name,
            StreamUrl = settings.StreamUrl.AbsoluteUri,
            SubStreamUrl = settings.SubStreamUrl?.AbsoluteUri,
            settings.UserName,
            Cipher = string.IsNullOrEmpty(settings.Password) ? null : protector.Protect(id, settings.Password),
            Enabled = settings.Enabled ? 1 : 0,
        });
        columns.Add(extra.Name, extra.Value);
        return columns;
    }

    /// <summary>The camera stops being a camera; its name stays for the recordings that were kept, its credentials go.</summary>
    public async Task MarkRemovedAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE camera SET removed_utc = @Now, password_cipher = NULL, user_name = '' WHERE id = @Id", new { Id = id, Now = clock.GetUtcNow() });
    }

    public async Task DeleteAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM camera WHERE id = @Id", new { Id = id });
    }

    /// <summary>The saved password, or "" when there is none or it can no longer be read (the key file was replaced).</summary>
    public string PasswordOf(SavedCamera camera) =>
        camera.PasswordCipher is null ? "" : protector.Unprotect(camera.Id, camera.PasswordCipher) ?? "";
}
