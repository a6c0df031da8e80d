using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recording.Storage;
using Xunit;

namespace Nightjar.Recorder.Tests.Accounts;

public class ConsoleLoginTests
{
    private const string Password = "violet-comet-4821";

    private static async Task<ServiceHarness> SetUpAsync()
    {
        var harness = await ServiceHarness.StartAsync();
        var result = await harness.Get<Recorder.Setup.FirstBootSetup>().CompleteAsync(
            new Recorder.Setup.SetupRequest(Password, Password, "owner@example.com", Recorder.Mail.RelaySettings.None));
        Assert.True(result.Succeeded);
        return harness;
    }

    [Fact]
    public async Task RightPassword_Succeeds_WithTheCurrentEpoch()
    {
        await using var harness = await SetUpAsync();
        var outcome = await harness.Get<ConsoleLogin>().LoginAsync("admin", Password);

        var succeeded = Assert.IsType<LoginOutcome.Succeeded>(outcome);
        Assert.Equal(harness.Get<CredentialEpoch>().Current, succeeded.Epoch);
    }

    [Fact]
    public async Task UserName_IsCaseInsensitive_AndPasswordIsNfkcNormalised()
    {
        await using var harness = await SetUpAsync();
        // Full-width digits normalise to the ASCII digits of the stored password.
        var outcome = await harness.Get<ConsoleLogin>().LoginAsync(" Admin ", "violet-comet-４８２１");
        Assert.IsType<LoginOutcome.Succeeded>(outcome);
    }

    [Fact]
    public async Task WrongPassword_SaysHowManyAttemptsAreLeft()
    {
        await using var harness = await SetUpAsync();
        var login = harness.Get<ConsoleLogin>();

        Assert.Equal(new LoginOutcome.WrongCredentials(4), await login.LoginAsync("admin", "wrong-password"));
        Assert.Equal(new LoginOutcome.WrongCredentials(3), await login.LoginAsync("someone", Password));
    }

    [Fact]
    public async Task FiveFailures_LockTheConsole_ForFiveMinutes_EvenForTheRightPassword()
    {
        await using var harness = await SetUpAsync();
        var login = harness.Get<ConsoleLogin>();
        for (var i = 0; i < 4; i++)
        {
            Assert.IsType<LoginOutcome.WrongCredentials>(await login.LoginAsync("admin", "wrong"));
        }

        var locked = Assert.IsType<LoginOutcome.LockedOut>(await login.LoginAsync("admin", "wrong"));
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromMinutes(5), locked.Until);
        Assert.IsType<LoginOutcome.LockedOut>(await login.LoginAsync("admin", Password));

        harness.Clock.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        Assert.IsType<LoginOutcome.LockedOut>(await login.LoginAsync("admin", Password));
        Assert.Equal(TimeSpan.FromSeconds(1), await login.LockedUntilAsync() - harness.Clock.GetUtcNow());

        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await login.LockedUntilAsync());
        Assert.IsType<LoginOutcome.Succeeded>(await login.LoginAsync("admin", Password));
    }

    [Fact]
    public async Task Success_ResetsTheFailureCount()
    {
        await using var harness = await SetUpAsync();
        var login = harness.Get<ConsoleLogin>();
        for (var i = 0; i < 4; i++)
        {
            await login.LoginAsync("admin", "wrong");
        }

        Assert.IsType<LoginOutcome.Succeeded>(await login.LoginAsync("admin", Password));
        Assert.Equal(new LoginOutcome.WrongCredentials(4), await login.LoginAsync("admin", "wrong"));
    }

    [Fact]
    public async Task ConcurrentWrongAttempts_CannotSlipPastTheThreshold()
    {
        await using var harness = await SetUpAsync();
        var login = harness.Get<ConsoleLogin>();

        // Twelve wrong attempts released together on their own threads: exactly five may be checked (four counted
        // wrong, the fifth locks); the other seven must meet the lock without their password being compared.
        var outcomes = Nightjar.TestSupport.AllAtOnce.Run(12, () => login.LoginAsync("admin", "wrong"));

        Assert.Equal(4, outcomes.Count(o => o is LoginOutcome.WrongCredentials));
        Assert.Equal(8, outcomes.Count(o => o is LoginOutcome.LockedOut));
        var checkedGuesses = (await harness.Get<AuditLog>().ReadRecentAsync(50)).Count(e => e.Event is nameof(AuditEvent.LoginFailed) or nameof(AuditEvent.LoginLockedOut));
        Assert.Equal(5, checkedGuesses);
        Assert.IsType<LoginOutcome.LockedOut>(await login.LoginAsync("admin", Password));
    }

    [Fact]
    public async Task BeforeSetup_LoginSaysNotSetUp()
    {
        await using var harness = await ServiceHarness.StartAsync();
        Assert.IsType<LoginOutcome.NotSetUp>(await harness.Get<ConsoleLogin>().LoginAsync("admin", Password));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("admin\r\nX-Injected: 1", "x")]
    public async Task HostileInput_CountsAsAFailure(string? userName, string? password)
    {
        await using var harness = await SetUpAsync();
        Assert.IsType<LoginOutcome.WrongCredentials>(await harness.Get<ConsoleLogin>().LoginAsync(userName, password));
    }

    [Fact]
    public async Task OversizedPassword_IsRefusedWithoutHashing()
    {
        await using var harness = await SetUpAsync();
        Assert.IsType<LoginOutcome.WrongCredentials>(await harness.Get<ConsoleLogin>().LoginAsync("admin", new string('x', 100_000)));
    }

    [Fact]
    public async Task Failures_AndLockout_AreInTheAuditLog_WithoutThePassword()
    {
        await using var harness = await SetUpAsync();
        var login = harness.Get<ConsoleLogin>();
        for (var i = 0; i < 5; i++)
        {
            await login.LoginAsync("admin", "hunter2-secret");
        }

        var entries = await harness.Get<AuditLog>().ReadRecentAsync(50);
        Assert.Contains(entries, e => e.Event == nameof(AuditEvent.LoginFailed));
        Assert.Contains(entries, e => e.Event == nameof(AuditEvent.LoginLockedOut));
        Assert.DoesNotContain(entries, e => e.Detail.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_WithAHashFromWeakerParameters_UpgradesTheStoredHash()
    {
        await using var harness = await SetUpAsync();
        using var weak = new PasswordHasher(Microsoft.Extensions.Options.Options.Create(new AccountOptions { Argon2Iterations = 1 }));
        var oldHash = (await weak.HashAsync(Password))!;
        await using (var connection = await harness.Get<Storage.Database>().OpenAsync())
        {
            await SqliteCommands.ExecuteAsync(connection, "UPDATE account SET password_hash = @Hash", new { Hash = oldHash });
        }

        Assert.IsType<LoginOutcome.Succeeded>(await harness.Get<ConsoleLogin>().LoginAsync("admin", Password));

        var stored = await harness.Get<AdminAccount>().GetPasswordHashAsync();
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", stored, StringComparison.Ordinal);
        Assert.IsType<LoginOutcome.Succeeded>(await harness.Get<ConsoleLogin>().LoginAsync("admin", Password));
        Assert.Contains(await harness.Get<AuditLog>().ReadRecentAsync(10), e => e.Event == nameof(AuditEvent.PasswordRehashed));
    }

    [Fact]
    public async Task ChangePassword_MovesTheEpochOn_AndOnlyTheNewPasswordWorks()
    {
        await using var harness = await SetUpAsync();
        var epoch = harness.Get<CredentialEpoch>();
        var before = epoch.Current;
        long? announced = null;
        epoch.Changed += e => announced = e;

        Assert.True(await harness.Get<AdminAccount>().ChangePasswordAsync("amber-lantern-7305", "test"));

        Assert.Equal(before + 1, epoch.Current);
        Assert.Equal(epoch.Current, announced);
        var login = harness.Get<ConsoleLogin>();
        Assert.IsType<LoginOutcome.WrongCredentials>(await login.LoginAsync("admin", Password));
        Assert.IsType<LoginOutcome.Succeeded>(await login.LoginAsync("admin", "amber-lantern-7305"));
    }
}
