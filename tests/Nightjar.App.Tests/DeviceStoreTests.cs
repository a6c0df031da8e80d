using Nightjar.Client;
using Xunit;

namespace Nightjar.App.Tests;

public sealed class DeviceStoreTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "nightjar-store-" + Guid.NewGuid().ToString("N"));

    private static PairedDevice Device(string name, string? token = "t0ken") =>
        new(name, "NJ-7F3K-Q9D2", "192.168.1.20", 8443, new string('a', 64), token, null);

    [Fact]
    public async Task SaveFindRemove_RoundTrip()
    {
        var store = new DeviceStore(folder);
        await store.SaveAsync(Device("home"));
        await store.SaveAsync(Device("shop"));
        await store.SaveAsync(Device("HOME", token: "new"));

        Assert.Equal(2, (await store.LoadAsync()).Count);
        Assert.Equal("new", (await store.FindAsync("home"))!.Token);
        Assert.True(await store.RemoveAsync("shop"));
        Assert.False(await store.RemoveAsync("shop"));
        Assert.Single(await store.LoadAsync());
    }

    [Fact]
    public async Task Writes_AreAtomic_AndPrivate()
    {
        var store = new DeviceStore(folder);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => store.SaveAsync(Device($"r{i % 3}"))));

        Assert.InRange((await store.LoadAsync()).Count, 1, 3); // never a torn file
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        }
    }

    [Fact]
    public async Task EmptyFolder_IsAnEmptyList() =>
        Assert.Empty(await new DeviceStore(folder).LoadAsync());

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
