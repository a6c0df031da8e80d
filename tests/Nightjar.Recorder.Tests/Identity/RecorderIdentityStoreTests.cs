using Nightjar.Recorder.Identity;
using Xunit;

namespace Nightjar.Recorder.Tests.Identity;

public class RecorderIdentityStoreTests
{
    [Fact]
    public async Task Identity_IsCreatedOnce_AndKeptAcrossStarts()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var devices = harness.Get<RecorderIdentityStore>();
        var first = await devices.GetAsync();

        await devices.EnsureCreatedAsync();
        await using var again = await ServiceHarness.StartAsync();

        Assert.Matches("^NJ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", first.DeviceId);
        Assert.Equal(RecorderIdentityStore.DefaultName, first.Name);
        Assert.Equal(RecorderIdentityStore.Model, first.Model);
        Assert.Equal(first, await new RecorderIdentityStore(harness.Get<Storage.Database>(), harness.Clock).GetAsync());
        Assert.NotEqual(first.DeviceId, (await again.Get<RecorderIdentityStore>().GetAsync()).DeviceId);
    }

    [Fact]
    public void NewDeviceIds_AreRandom()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => RecorderIdentityStore.NewDeviceId()).ToHashSet();
        Assert.Equal(1000, ids.Count);
    }

    [Fact]
    public async Task Rename_TrimsAndStores()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var devices = harness.Get<RecorderIdentityStore>();

        Assert.Null(await devices.RenameAsync("  Garage <b>NVR</b> "));
        Assert.Equal("Garage <b>NVR</b>", (await devices.GetAsync()).Name);
    }

    [Theory]
    [InlineData("👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽")] // 21 emoji with skin tone: 84 UTF-16 units
    [InlineData("Caméra d'entrée: rue de la Gare, côté nord")] // 42 characters: one too many
    public async Task Rename_CountsCharactersAsAPersonSeesThem(string name)
    {
        await using var harness = await ServiceHarness.StartAsync();
        var devices = harness.Get<RecorderIdentityStore>();
        var visible = new System.Globalization.StringInfo(name).LengthInTextElements;

        var refusal = await devices.RenameAsync(name);

        Assert.Equal(visible <= RecorderIdentityStore.MaxNameLength, refusal is null);
    }

    [Fact]
    public async Task Rename_FortyCharactersWithCombiningAccents_IsAccepted_FortyOneIsNot()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var devices = harness.Get<RecorderIdentityStore>();
        var forty = string.Concat(Enumerable.Repeat("e\u0301", 40)); // é as e + combining acute: 80 UTF-16 units

        Assert.Null(await devices.RenameAsync(forty));
        Assert.Equal(forty, (await devices.GetAsync()).Name);
        Assert.NotNull(await devices.RenameAsync(forty + "e\u0301"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Garage\r\nBcc: x@example.com")]
    [InlineData("This name is much too long for the recorder's screen")]
    public async Task Rename_BadName_IsRefusedWithAMessage(string name)
    {
        await using var harness = await ServiceHarness.StartAsync();
        var devices = harness.Get<RecorderIdentityStore>();

        Assert.NotNull(await devices.RenameAsync(name));
        Assert.Equal(RecorderIdentityStore.DefaultName, (await devices.GetAsync()).Name);
    }
}
