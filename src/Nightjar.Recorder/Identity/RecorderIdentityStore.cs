using System.Reflection;
using Nightjar.Recorder.Security;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Identity;

/// <summary>Reads and renames the device. The identity row is created once, at first start.</summary>
public sealed class RecorderIdentityStore(Database database, TimeProvider clock)
{
    public const string Model = "Nightjar NVR-4";
    public const string DefaultName = "Nightjar";
    public const int MaxNameLength = 40;

    public static string Version { get; } =
        typeof(RecorderIdentityStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private RecorderIdentity? cached;

    /// <summary>Creates the identity if this is the first start; an existing identity is never replaced.</summary>
    public async Task EnsureCreatedAsync()
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT OR IGNORE INTO device (id, device_id, name, model, created_utc) VALUES (1, @DeviceId, @Name, @Model, @Now)",
            new { DeviceId = NewDeviceId(), Name = DefaultName, Model, Now = clock.GetUtcNow() });
    }

    public async Task<RecorderIdentity> GetAsync()
    {
        if (cached is not null)
        {
            return cached;
        }

        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleAsync(
            "SELECT device_id, name, model FROM device WHERE id = 1", r => (DeviceId: r.GetString(0), Name: r.GetString(1), Model: r.GetString(2)));
        return cached = new RecorderIdentity(row.DeviceId, row.Name, row.Model, Version);
    }

    /// <summary>Renames the device. Returns an error message for the person, or null when saved.</summary>
    public async Task<string?> RenameAsync(string? name)
    {
        var error = ValidateName(name);
        if (error is not null)
        {
            return error;
        }

        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE device SET name = @Name WHERE id = 1", new { Name = name!.Trim() });
        cached = null;
        return null;
    }

    public static string? ValidateName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Enter a device name.";
        }

        // At most 40 characters as a person counts them, and a bound on the bytes behind them (combining marks).
        if (TypedText.VisibleLength(trimmed) > MaxNameLength || trimmed.Length > MaxNameLength * 8)
        {
            return $"Use at most {MaxNameLength} characters.";
        }

        return TypedText.HasHiddenCharacters(trimmed) ? "The name cannot contain line breaks, control or invisible characters." : null;
    }

    /// <summary><c>NJ-7F3K-Q9D2</c>: 40 random bits, readable aloud to support and typeable on the on-screen keyboard.</summary>
    public static string NewDeviceId() => "NJ-" + Crockford32.Group(Crockford32.Random(8), 4);
}
