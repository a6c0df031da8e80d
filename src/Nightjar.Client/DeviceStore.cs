using System.Text.Json;

namespace Nightjar.Client;

/// <summary>
/// The app's paired recorders, in <c>devices.json</c> in its state folder (<c>$NIGHTJAR_APP_HOME</c>, else the
/// user's config folder). Written to a temporary file and renamed over the old one, so a crash leaves the old
/// list or the new one, never half of either; readable only by the user, because it holds tokens.
/// </summary>
public sealed class DeviceStore(string folder)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(folder, "devices.json");

    public static DeviceStore ForCurrentUser()
    {
        var home = Environment.GetEnvironmentVariable("NIGHTJAR_APP_HOME");
        return new DeviceStore(string.IsNullOrWhiteSpace(home)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "nightjar-app")
            : home);
    }

    public async Task<IReadOnlyList<PairedDevice>> LoadAsync()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        await using var stream = File.OpenRead(Path);
        return await JsonSerializer.DeserializeAsync<List<PairedDevice>>(stream, Json) ?? [];
    }

    public async Task<PairedDevice?> FindAsync(string name) =>
        (await LoadAsync()).FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds or replaces the device with the same name.</summary>
    public async Task SaveAsync(PairedDevice device)
    {
        var devices = (await LoadAsync()).Where(d => !string.Equals(d.Name, device.Name, StringComparison.OrdinalIgnoreCase)).Append(device).ToList();
        await WriteAsync(devices);
    }

    public async Task<bool> RemoveAsync(string name)
    {
        var devices = (await LoadAsync()).ToList();
        var removed = devices.RemoveAll(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        if (removed > 0)
        {
            await WriteAsync(devices);
        }

        return removed > 0;
    }

    private async Task WriteAsync(List<PairedDevice> devices)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // A unique temporary name: two app processes saving at once must not write into the same file.
        var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            await JsonSerializer.SerializeAsync(stream, devices, Json);
            await stream.FlushAsync();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
