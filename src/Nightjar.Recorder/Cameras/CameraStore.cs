using Nightjar.Recorder.Storage;
using Nightjar.Recording.Motion;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Cameras;

/// <summary>The SQL of the <c>camera</c> table: cameras added on the console, their passwords encrypted.</summary>
public sealed class CameraStore(Database database, Security.SecretProtector protector, TimeProvider clock)
{
    public sealed record SavedCamera(
        string Id, string Name, string StreamUrl, string? SubStreamUrl, string UserName, byte[]? PasswordCipher, bool Enabled, MotionSettings Motion,
        string? OnvifAddress);

    /// <summary>The cameras in use (not removed), oldest first: that is their channel order after the configured ones.</summary>
    public async Task<IReadOnlyList<SavedCamera>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryAsync(
            """
            SELECT id, name, stream_url, sub_stream_url, user_name, password_cipher, enabled, motion_enabled, motion_sensitivity, motion_area,
                alert_on, min_score, onvif_address, motion_from
            FROM camera WHERE removed_utc IS NULL ORDER BY created_utc, id
            """,
            r => new SavedCamera(r.GetString(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), r.GetString(4), r.GetBytesOrNull(5), r.GetInt64(6) != 0,
                ReadMotion(r.GetInt64(7) != 0, r.GetString(8), r.GetStringOrNull(9), r.GetString(10), r.GetDouble(11), r.GetString(13)),
                r.GetStringOrNull(12)));
    }

    /// <summary>Motion settings as saved; a value this version cannot read (written by a newer one) falls back to the default.</summary>
    private static MotionSettings ReadMotion(bool enabled, string sensitivity, string? area, string alertOn, double minScore, string from) => new(
        enabled,
        Enum.TryParse<MotionSensitivity>(sensitivity, out var s) && Enum.IsDefined(s) ? s : MotionSensitivity.Medium,
        area is not null && MotionArea.TryParse(area, out var parsed, out _) ? parsed : MotionArea.All)
    {
        AlertOn = Enum.TryParse<AlertOn>(alertOn, out var a) && Enum.IsDefined(a) ? a : AlertOn.AnyMotion,
        MinScore = minScore is >= MotionSettings.LowestMinScore and <= MotionSettings.HighestMinScore ? minScore : MotionSettings.DefaultMinScore,
        From = Enum.TryParse<MotionFrom>(from, out var f) && Enum.IsDefined(f) ? f : MotionFrom.Nightjar,
    };

    /// <summary>Names of removed cameras whose recordings were kept, by id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RemovedNamesAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync("SELECT id, name FROM camera WHERE removed_utc IS NOT NULL", r => (Id: r.GetString(0), Name: r.GetString(1)));
        return rows.ToDictionary(r => r.Id, r => r.Name, StringComparer.Ordinal);
    }

    public async Task AddAsync(string id, CameraSettings settings)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO camera (id, name, stream_url, sub_stream_url, user_name, password_cipher, enabled, created_utc,
                motion_enabled, motion_sensitivity, motion_area, alert_on, min_score, onvif_address, motion_from)
            VALUES (@Id, @Name, @StreamUrl, @SubStreamUrl, @UserName, @Cipher, @Enabled, @Now, @MotionEnabled, @MotionSensitivity, @MotionArea,
                @AlertOn, @MinScore, @OnvifAddress, @MotionFrom)
            """,
            Columns(id, settings, keepPassword: false));
    }

    /// <summary>Saves new settings; a null password keeps the one saved.</summary>
    public async Task UpdateAsync(string id, CameraSettings settings)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            UPDATE camera SET name = @Name, stream_url = @StreamUrl, sub_stream_url = @SubStreamUrl, user_name = @UserName,
                password_cipher = CASE WHEN @KeepPassword THEN password_cipher ELSE @Cipher END, enabled = @Enabled,
                motion_enabled = @MotionEnabled, motion_sensitivity = @MotionSensitivity, motion_area = @MotionArea,
                alert_on = @AlertOn, min_score = @MinScore, onvif_address = @OnvifAddress, motion_from = @MotionFrom
            WHERE id = @Id AND removed_utc IS NULL
            """,
            Columns(id, settings, keepPassword: settings.Password is null));
    }

    /// <summary>A camera's columns as parameters: its URLs without credentials, its password encrypted (or none).</summary>
    private object Columns(string id, CameraSettings settings, bool keepPassword) => new
    {
        Id = id,
        settings.Name,
        StreamUrl = settings.StreamUrl.AbsoluteUri,
        SubStreamUrl = settings.SubStreamUrl?.AbsoluteUri,
        settings.UserName,
        Cipher = string.IsNullOrEmpty(settings.Password) ? null : protector.Protect(PasswordPurpose(id), settings.Password),
        Enabled = settings.Enabled ? 1 : 0,
        KeepPassword = keepPassword,
        Now = clock.GetUtcNow(),
        MotionEnabled = settings.Motion.Enabled ? 1 : 0,
        MotionSensitivity = settings.Motion.Sensitivity.ToString(),
        MotionArea = settings.Motion.Area.Equals(Nightjar.Recording.Motion.MotionArea.All) ? null : settings.Motion.Area.ToString(),
        AlertOn = settings.Motion.AlertOn.ToString(),
        settings.Motion.MinScore,
        OnvifAddress = settings.OnvifAddress?.AbsoluteUri,
        MotionFrom = settings.Motion.From.ToString(),
    };

    /// <summary>The camera stops being a camera; its name stays for the recordings that were kept, its credentials go.</summary>
    public async Task MarkRemovedAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE camera SET removed_utc = @Now, password_cipher = NULL, user_name = '', onvif_address = NULL WHERE id = @Id", new { Id = id, Now = clock.GetUtcNow() });
    }

    /// <summary>Empties the WAL, which still holds a row as it was before it was rewritten (secure_delete clears the main file).</summary>
    public Task ForgetOldRowsAsync() => database.TruncateWalAsync();

    public async Task DeleteAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM camera WHERE id = @Id", new { Id = id });
    }

    /// <summary>The saved password, or "" when there is none or it can no longer be read (the key file was replaced).</summary>
    public string PasswordOf(SavedCamera camera) =>
        camera.PasswordCipher is null ? "" : protector.Unprotect(PasswordPurpose(camera.Id), camera.PasswordCipher) ?? "";

    /// <summary>What a camera's password is bound to (the same words since the first version, or saved passwords would no longer open).</summary>
    public static string PasswordPurpose(string cameraId) => "camera password " + cameraId;
}
