using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Setup;
using Nightjar.Recording.Storage;
using Xunit;

namespace Nightjar.Recorder.Tests.Setup;

public class FirstBootSetupTests
{
    private const string Password = "violet-comet-4821";

    private static SetupRequest Valid() => new(Password, Password, "owner@example.com", RelaySettings.None);

    [Fact]
    public async Task Setup_StoresThePassword_AndReturnsARecoveryKeyOnce()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var setup = harness.Get<FirstBootSetup>();

        var result = await setup.CompleteAsync(Valid());

        Assert.True(result.Succeeded);
        Assert.Matches("^([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$", result.RecoveryKey);
        Assert.True(await setup.IsCompleteAsync());
        Assert.Equal("owner@example.com", await harness.Get<RecoverySettingsStore>().GetEmailAsync());
    }

    [Fact]
    public async Task Setup_CanNeverRunTwice()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var setup = harness.Get<FirstBootSetup>();
        await setup.CompleteAsync(Valid());

        var again = await setup.CompleteAsync(new SetupRequest("amber-lantern-7305", "amber-lantern-7305", "thief@example.com", RelaySettings.None));

        Assert.True(again.AlreadyComplete);
        Assert.Null(again.RecoveryKey);
        Assert.Equal("owner@example.com", await harness.Get<RecoverySettingsStore>().GetEmailAsync());
        Assert.IsType<LoginOutcome.WrongCredentials>(await harness.Get<ConsoleLogin>().LoginAsync("admin", "amber-lantern-7305"));
    }

    [Fact]
    public async Task ConcurrentSetups_ExactlyOneWins()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var setup = harness.Get<FirstBootSetup>();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            setup.CompleteAsync(new SetupRequest(Password, Password, $"owner{i}@example.com", RelaySettings.None))));

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(5, results.Count(r => r.AlreadyComplete));
    }

    [Fact]
    public async Task Setup_WithoutRecoveryEmail_IsAllowed()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var result = await harness.Get<FirstBootSetup>().CompleteAsync(Valid() with { RecoveryEmail = "  " });

        Assert.True(result.Succeeded);
        Assert.Null(await harness.Get<RecoverySettingsStore>().GetEmailAsync());
    }

    public static TheoryData<string, SetupRequest> BadInputs()
    {
        var ok = Valid();
        var tenKb = new string('a', 10 * 1024);
        return new TheoryData<string, SetupRequest>
        {
            { SetupField.AdminPassword, ok with { AdminPassword = "", ConfirmPassword = "" } },
            { SetupField.AdminPassword, ok with { AdminPassword = tenKb, ConfirmPassword = tenKb } },
            { SetupField.AdminPassword, ok with { AdminPassword = "password", ConfirmPassword = "password" } },
            { SetupField.AdminPassword, ok with { AdminPassword = "admin", ConfirmPassword = "admin" } },
            { SetupField.AdminPassword, ok with { AdminPassword = "violet\r\ncomet-4821", ConfirmPassword = "violet\r\ncomet-4821" } },
            { SetupField.ConfirmPassword, ok with { ConfirmPassword = "violet-comet-4822" } },
            { SetupField.ConfirmPassword, ok with { ConfirmPassword = "" } },
            { SetupField.RecoveryEmail, ok with { RecoveryEmail = "not-an-address" } },
            { SetupField.RecoveryEmail, ok with { RecoveryEmail = "owner@example.com\r\nBcc: victim@example.com" } },
            { SetupField.RecoveryEmail, ok with { RecoveryEmail = "owner@example.com, second@example.com" } },
            { SetupField.RecoveryEmail, ok with { RecoveryEmail = "Owner <owner@example.com>" } },
            { SetupField.RecoveryEmail, ok with { RecoveryEmail = tenKb + "@example.com" } },
            { SetupField.RecoveryEmail, ok with { RecoveryEmail = "owner@localhost" } },
            { SetupField.RecoveryEmail, ok with { RecoveryEmail = "owner\0@example.com" } },
            { RelayField.Host, ok with { Relay = RelaySettings.None with { Host = "smtp example com" } } },
            { RelayField.Host, ok with { Relay = RelaySettings.None with { Host = tenKb } } },
            { RelayField.Host, ok with { Relay = RelaySettings.None with { Username = "user" } } },
            { RelayField.Port, ok with { Relay = RelaySettings.None with { Host = "smtp.example.com", Port = "99999" } } },
            { RelayField.Port, ok with { Relay = RelaySettings.None with { Host = "smtp.example.com", Port = "abc" } } },
            { RelayField.Port, ok with { Relay = RelaySettings.None with { Host = "smtp.example.com", Port = "-1" } } },
            { RelayField.Security, ok with { Relay = RelaySettings.None with { Host = "smtp.example.com", Security = (SmtpSecurity)42 } } },
            { RelayField.Username, ok with { Relay = RelaySettings.None with { Host = "smtp.example.com", Username = "me\r\nRCPT TO:<x@y.z>" } } },
            { RelayField.Password, ok with { Relay = RelaySettings.None with { Host = "smtp.example.com", Username = "me", Password = tenKb } } },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_GetsAClearMessageOnItsField_AndStoresNothing(string field, SetupRequest request)
    {
        await using var harness = await ServiceHarness.StartAsync();
        var setup = harness.Get<FirstBootSetup>();

        var result = await setup.CompleteAsync(request);

        Assert.False(result.Succeeded);
        Assert.True(result.Errors.ContainsKey(field), $"Expected a message on {field}; got: {string.Join("; ", result.Errors)}");
        Assert.All(result.Errors.Values, message => Assert.InRange(message.Length, 5, 300));
        Assert.False(await setup.IsCompleteAsync());
    }

    [Theory]
    [InlineData("jöhn@exämple.com")]
    [InlineData("owner+nvr@mail.example.co.uk")]
    public async Task UnicodeAndTaggedAddresses_AreAccepted(string email)
    {
        await using var harness = await ServiceHarness.StartAsync();
        var result = await harness.Get<FirstBootSetup>().CompleteAsync(Valid() with { RecoveryEmail = email });
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
    }

    [Fact]
    public async Task RelaySettings_AreStored()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var relay = new RelaySettings("smtp.example.com", "587", SmtpSecurity.StartTls, "me", "relay-secret");
        await harness.Get<FirstBootSetup>().CompleteAsync(Valid() with { Relay = relay });

        var effective = await harness.Get<MailRelaySettingsStore>().GetEffectiveAsync();
        Assert.Equal(relay, effective.Settings);
        Assert.Empty(effective.FromConfiguration);
    }

    [Fact]
    public async Task RelaySettingsFromConfiguration_WinAndAreNotSavedOver()
    {
        await using var harness = await ServiceHarness.StartAsync(services =>
            Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions.Configure<MailOptions>(services, o => o.Smtp.Host = "relay.example.com"));
        var typed = new RelaySettings("typed.example.com", "2525", SmtpSecurity.StartTls, "me", "relay-secret");
        await harness.Get<FirstBootSetup>().CompleteAsync(Valid() with { Relay = typed });

        var effective = await harness.Get<MailRelaySettingsStore>().GetEffectiveAsync();
        Assert.Equal(typed with { Host = "relay.example.com" }, effective.Settings);
        Assert.Equal(new[] { RelayField.Host }, effective.FromConfiguration);
        await using var connection = await harness.Get<Nightjar.Recorder.Storage.Database>().OpenAsync();
        Assert.Null(await SqliteCommands.ExecuteScalarAsync<string?>(connection, "SELECT value FROM setting WHERE key = 'mail.smtp.host'"));
    }

    [Fact]
    public void RecoveryKey_HashAcceptsTheKeyAsTypedLoosely()
    {
        var key = RecoveryKey.New();
        var hash = RecoveryKey.HashOf(key);

        Assert.NotNull(hash);
        Assert.Equal(hash, RecoveryKey.HashOf(key.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)));
        Assert.NotEqual(hash, RecoveryKey.HashOf(RecoveryKey.New()));
        Assert.Null(RecoveryKey.HashOf(key[..^1]));
        Assert.Null(RecoveryKey.HashOf("!" + key));
    }
}
