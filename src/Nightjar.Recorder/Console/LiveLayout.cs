using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Console;

/// <summary>The live view's layout (1, 4, 9 or 16 tiles), chosen in the menu bar and kept across restarts.</summary>
public sealed class LiveLayout(Database database)
{
    public static readonly int[] Choices = [1, 4, 9, 16];

    private const string Key = "console.live-layout";

    /// <summary>Another console (or this one) chose a layout.</summary>
    public event Action<int>? Changed;

    /// <summary>The chosen layout, or null for the smallest that shows every camera.</summary>
    public async Task<int?> GetAsync()
    {
        await using var connection = await database.OpenAsync();
        var value = await connection.ExecuteScalarAsync<string?>("SELECT value FROM setting WHERE key = @Key", new { Key });
        return int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var layout) && Choices.Contains(layout) ? layout : null;
    }

    public async Task SetAsync(int layout)
    {
        if (!Choices.Contains(layout))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "A layout is 1, 4, 9 or 16 tiles.");
        }

        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO setting (key, value) VALUES (@Key, @Value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            new { Key, Value = layout.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Changed?.Invoke(layout);
    }
}
