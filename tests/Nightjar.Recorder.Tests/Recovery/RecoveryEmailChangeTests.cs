using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Setup;
using Xunit;

namespace Nightjar.Recorder.Tests.Recovery;

/// <summary>Settings → Email → Recovery Email: changing where Secure Codes go needs the current password.</summary>
public class RecoveryEmailChangeTests
{
    private const string Password = "violet-comet-4821";

    private static async Task<ServiceHarness> SetUpAsync()
    {
        var harness = await ServiceHarness.StartAsync();
        var result = await harness.Get<FirstBootSetup>().CompleteAsync(
            new SetupRequest(Password, Password, "jane@example.com", new RelaySettings("127.0.0.1", "2525", SmtpSecurity.None, "", "")));
        Assert.True(result.Succeeded);
        return harness;
    }

    [Fact]
    public async Task WithTheCurrentPassword_TheNextSecureCodeGoesToTheNewAddress()
    {
        await using var harness = await SetUpAsync();

        var outcome = await harness.Get<RecoveryEmailChange>().ChangeAsync(" sam@example.org ", Password);

        Assert.Equal(new RecoveryEmailChangeOutcome.Changed("sam@example.org"), outcome);
        var request = Assert.IsType<RecoveryStart.Started>(await harness.Get<PasswordRecovery>().StartAsync()).Request;
        Assert.Equal("sam@example.org", request.Message!.Recipient);
        var log = await harness.Get<AuditLog>().ReadRecentAsync(10);
        Assert.Contains(log, e => e.Event == nameof(AuditEvent.RecoveryEmailChanged) && e.Detail.Contains("s•••@example.org", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWrongPassword_ChangesNothing_AndCountsTowardTheConsoleLock()
    {
        await using var harness = await SetUpAsync();
        var change = harness.Get<RecoveryEmailChange>();

        for (var i = 0; i < 4; i++)
        {
            var wrong = Assert.IsType<RecoveryEmailChangeOutcome.Invalid>(await change.ChangeAsync("sam@example.org", "not-the-password"));
            Assert.Equal("Wrong password.", wrong.Errors[RecoveryEmailChange.PasswordField]);
        }

        Assert.IsType<RecoveryEmailChangeOutcome.Invalid>(await change.ChangeAsync("sam@example.org", "not-the-password"));
        Assert.IsType<LoginOutcome.LockedOut>(await harness.Get<ConsoleLogin>().LoginAsync("admin", Password));
        Assert.Equal("jane@example.com", await harness.Get<RecoverySettingsStore>().GetEmailAsync());
    }

    [Theory]
    [InlineData("", "Type the new recovery email address.")]
    [InlineData("   ", "Type the new recovery email address.")]
    [InlineData("not an address", null)]
    [InlineData("jane@example.com\r\nBcc: x@example.com", null)]
    public async Task ABadAddress_IsRefusedWithAMessage_BeforeThePasswordIsChecked(string address, string? message)
    {
        await using var harness = await SetUpAsync();

        var refused = Assert.IsType<RecoveryEmailChangeOutcome.Invalid>(await harness.Get<RecoveryEmailChange>().ChangeAsync(address, Password));

        Assert.False(string.IsNullOrWhiteSpace(refused.Errors[RecoveryEmailChange.EmailField]));
        if (message is not null)
        {
            Assert.Equal(message, refused.Errors[RecoveryEmailChange.EmailField]);
        }

        Assert.Equal("jane@example.com", await harness.Get<RecoverySettingsStore>().GetEmailAsync());
    }
}
