using MimeKit;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Setup;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;
using Xunit;

namespace Nightjar.Recorder.Tests.Recovery;

/// <summary>The recovery rules on the real SQLite file, with time moved by a FakeTimeProvider.</summary>
public class PasswordRecoveryTests
{
    private const string OldPassword = "violet-comet-4821";
    private const string NewPassword = "amber-lantern-7305";

    private static async Task<ServiceHarness> SetUpAsync(string email = "jane@example.com", bool relay = true)
    {
        var harness = await ServiceHarness.StartAsync();
        var relaySettings = relay ? new RelaySettings("127.0.0.1", "2525", SmtpSecurity.None, "", "") : RelaySettings.None;
        var result = await harness.Get<FirstBootSetup>().CompleteAsync(new SetupRequest(OldPassword, OldPassword, email, relaySettings));
        Assert.True(result.Succeeded);
        harness.RecoveryKey = result.RecoveryKey!;
        return harness;
    }

    /// <summary>Reads the code the way the owner does: from the queued Reset Password message.</summary>
    private static async Task<string> CodeFromOutboxAsync(ServiceHarness harness, RecoveryRequestView request)
    {
        await using var connection = await harness.Get<Database>().OpenAsync();
        var content = await connection.ExecuteScalarAsync<byte[]>("SELECT content FROM outbox WHERE id = @Id", new { Id = request.Message!.Id });
        using var stream = new MemoryStream(content!);
        var message = await MimeMessage.LoadAsync(stream);
        return Nightjar.TestSupport.SecureCodeText.In(message);
    }

    private static RecoveryRequestView Started(RecoveryStart start) => Assert.IsType<RecoveryStart.Started>(start).Request;

    [Fact]
    public async Task Start_QueuesTheResetEmail_AndStoresOnlyAnHmac()
    {
        await using var harness = await SetUpAsync();
        var request = Started(await harness.Get<PasswordRecovery>().StartAsync());
        var code = await CodeFromOutboxAsync(harness, request);

        Assert.Equal(RecoveryMethod.Email, request.Method);
        Assert.Equal("j•••@example.com", request.MaskedAddress);
        Assert.Equal(OutboxState.Queued, request.Message!.State);
        await using var connection = await harness.Get<Database>().OpenAsync();
        var stored = await connection.ExecuteScalarAsync<string>("SELECT code_hmac FROM reset_request");
        Assert.Equal(64, stored!.Length);
        Assert.DoesNotContain(code.Replace("-", "", StringComparison.Ordinal), stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RightCode_ThenValidPassword_ResetsThePassword_AndEndsEverySession()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var epoch = harness.Get<CredentialEpoch>();
        var consoleLock = harness.Get<ConsoleLock>();
        var epochBefore = epoch.Current;
        // A console session from before the reset: its cookie holds the epoch and sign-in window it was issued in.
        var session = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [
                new System.Security.Claims.Claim(ConsoleSession.EpochClaim, epochBefore.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new System.Security.Claims.Claim(ConsoleSession.WindowClaim, consoleLock.Window),
            ],
            "Cookies"));
        Assert.True(ConsoleSession.IsCurrent(session, epoch, consoleLock));
        var request = Started(await recovery.StartAsync());
        var code = await CodeFromOutboxAsync(harness, request);

        var accepted = Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, code.ToLowerInvariant()));
        var done = await recovery.CompleteAsync(request.Id, accepted.Ticket, NewPassword, NewPassword);

        Assert.IsType<ResetCompletion.Succeeded>(done);
        Assert.Equal(epochBefore + 1, epoch.Current);
        Assert.False(ConsoleSession.IsCurrent(session, epoch, consoleLock), "the session from before the reset still counts as unlocked");
        var login = harness.Get<ConsoleLogin>();
        Assert.IsType<LoginOutcome.WrongCredentials>(await login.LoginAsync("admin", OldPassword));
        Assert.IsType<LoginOutcome.Succeeded>(await login.LoginAsync("admin", NewPassword));
        var outbox = await harness.Get<Outbox>().ListRecentAsync(10);
        Assert.Contains(outbox, m => m.Subject.StartsWith("Password changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTicket_WorksOnce()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        var ticket = Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, await CodeFromOutboxAsync(harness, request))).Ticket;

        Assert.IsType<ResetCompletion.Succeeded>(await recovery.CompleteAsync(request.Id, ticket, NewPassword, NewPassword));
        Assert.IsType<ResetCompletion.NotVerified>(await recovery.CompleteAsync(request.Id, ticket, "third-pass-phrase-9911", "third-pass-phrase-9911"));
        Assert.IsType<ResetCompletion.NotVerified>(await recovery.CompleteAsync(request.Id, "forged-ticket", "third-pass-phrase-9911", "third-pass-phrase-9911"));
    }

    [Fact]
    public async Task WrongCodeFiveTimes_BurnsTheCode_ButNotTheAccount()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        var code = await CodeFromOutboxAsync(harness, request);

        for (var left = 4; left >= 1; left--)
        {
            Assert.Equal(new CodeCheck.Wrong(left), await recovery.VerifyAsync(request.Id, "0000-0000"));
        }

        Assert.IsType<CodeCheck.Burned>(await recovery.VerifyAsync(request.Id, "0000-0000"));
        Assert.IsType<CodeCheck.Burned>(await recovery.VerifyAsync(request.Id, code));
        Assert.IsType<LoginOutcome.Succeeded>(await harness.Get<ConsoleLogin>().LoginAsync("admin", OldPassword));
    }

    [Fact]
    public async Task Code_ExpiresAfterItsLifetime()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        var code = await CodeFromOutboxAsync(harness, request);

        harness.Clock.Advance(TimeSpan.FromMinutes(30));

        Assert.IsType<CodeCheck.Expired>(await recovery.VerifyAsync(request.Id, code));
    }

    [Fact]
    public async Task VerifiedReset_ExpiresWithTheCode()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        var ticket = Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, await CodeFromOutboxAsync(harness, request))).Ticket;

        harness.Clock.Advance(TimeSpan.FromMinutes(31));

        Assert.IsType<ResetCompletion.NotVerified>(await recovery.CompleteAsync(request.Id, ticket, NewPassword, NewPassword));
        Assert.IsType<LoginOutcome.Succeeded>(await harness.Get<ConsoleLogin>().LoginAsync("admin", OldPassword));
    }

    [Fact]
    public async Task Resend_WaitsForTheCooldown_ThenVoidsTheOldCode()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var first = Started(await recovery.StartAsync());
        var oldCode = await CodeFromOutboxAsync(harness, first);

        var cooling = Assert.IsType<RecoveryStart.CoolingDown>(await recovery.ResendAsync());
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(60), cooling.Until);

        harness.Clock.Advance(TimeSpan.FromSeconds(60));
        var second = Started(await recovery.ResendAsync());
        var newCode = await CodeFromOutboxAsync(harness, second);

        Assert.IsType<CodeCheck.NotActive>(await recovery.VerifyAsync(first.Id, oldCode));
        Assert.IsType<CodeCheck.Wrong>(await recovery.VerifyAsync(second.Id, oldCode == newCode ? "0000-0000" : oldCode));
        Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(second.Id, newCode));
    }

    [Fact]
    public async Task Requests_AreLimitedPerHour()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var start = harness.Clock.GetUtcNow();
        Started(await recovery.StartAsync());
        for (var i = 1; i < 5; i++)
        {
            harness.Clock.Advance(TimeSpan.FromSeconds(61));
            Started(await recovery.ResendAsync());
        }

        harness.Clock.Advance(TimeSpan.FromSeconds(61));
        var limited = Assert.IsType<RecoveryStart.RateLimited>(await recovery.ResendAsync());
        Assert.Equal(start.AddHours(1), limited.Until);

        harness.Clock.Advance(start.AddHours(1) - harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        Started(await recovery.ResendAsync());
    }

    [Fact]
    public async Task ParallelResends_WithinTheCooldown_SendOneEmail()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        Started(await recovery.StartAsync());
        harness.Clock.Advance(TimeSpan.FromSeconds(61));

        var answers = Nightjar.TestSupport.AllAtOnce.Run(40, recovery.ResendAsync);

        Assert.Single(answers, a => a is RecoveryStart.Started);
        Assert.Equal(39, answers.Count(a => a is RecoveryStart.CoolingDown));
        var emails = await harness.Get<Outbox>().ListRecentAsync(100);
        Assert.Equal(2, emails.Count(m => m.Purpose == "reset-password"));
    }

    [Fact]
    public async Task ParallelRecoveryKeyRequests_CannotPassTheHourlyLimitTogether()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        Started(await recovery.StartWithRecoveryKeyAsync()); // 1 of the 5 this hour; 4 left

        var answers = Nightjar.TestSupport.AllAtOnce.Run(20, recovery.StartWithRecoveryKeyAsync);

        Assert.Equal(4, answers.Count(a => a is RecoveryStart.Started));
        Assert.Equal(16, answers.Count(a => a is RecoveryStart.RateLimited));
        await using var connection = await harness.Get<Database>().OpenAsync();
        Assert.Equal(5, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reset_request"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reset_request WHERE state = 'Active'"));
    }

    [Fact]
    public async Task TheHourlyLimitOfCodes_LeavesTheRecoveryKey()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        Started(await recovery.StartAsync());
        for (var i = 1; i < 5; i++)
        {
            harness.Clock.Advance(TimeSpan.FromSeconds(61));
            Started(await recovery.ResendAsync());
        }

        harness.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.IsType<RecoveryStart.RateLimited>(await recovery.ResendAsync());

        var key = Started(await recovery.StartWithRecoveryKeyAsync());
        Assert.Equal(RecoveryMethod.RecoveryKey, key.Method);
        Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(key.Id, harness.RecoveryKey));
    }

    [Fact]
    public async Task ParallelOpens_ShareOneRequest()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();

        var answers = Nightjar.TestSupport.AllAtOnce.Run(20, recovery.StartAsync);

        Assert.Single(answers.Select(a => Started(a).Id).Distinct());
        Assert.Single(await harness.Get<Outbox>().ListRecentAsync(100));
    }

    [Fact]
    public async Task OpeningForgotPasswordAgain_ShowsTheRequestUnderWay_WithoutAnotherEmail()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var first = Started(await recovery.StartAsync());
        var again = Started(await recovery.StartAsync());

        Assert.Equal(first.Id, again.Id);
        Assert.Single(await harness.Get<Outbox>().ListRecentAsync(10));
    }

    [Fact]
    public async Task ConcurrentSubmissions_OfTheSameRightCode_ExactlyOneIsAccepted()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        var code = await CodeFromOutboxAsync(harness, request);

        var checks = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => recovery.VerifyAsync(request.Id, code))));

        Assert.Single(checks, c => c is CodeCheck.Accepted);
    }

    [Fact]
    public async Task ConcurrentCompletions_ExactlyOneSucceeds()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        var ticket = Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, await CodeFromOutboxAsync(harness, request))).Ticket;

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Task.Run(() => recovery.CompleteAsync(request.Id, ticket, $"amber-lantern-730{i}", $"amber-lantern-730{i}"))));

        Assert.Single(results, r => r is ResetCompletion.Succeeded);
    }

    [Fact]
    public async Task Cancel_EndsTheRequest()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        var code = await CodeFromOutboxAsync(harness, request);

        await recovery.CancelAsync(request.Id);

        Assert.IsType<CodeCheck.NotActive>(await recovery.VerifyAsync(request.Id, code));
    }

    [Fact]
    public async Task WeakOrMismatchedNewPassword_IsRefused_AndTheRequestStaysVerified()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        var ticket = Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, await CodeFromOutboxAsync(harness, request))).Ticket;

        var weak = Assert.IsType<ResetCompletion.Invalid>(await recovery.CompleteAsync(request.Id, ticket, "password1", "password1"));
        Assert.True(weak.Errors.ContainsKey(PasswordRecovery.NewPasswordField));
        var mismatch = Assert.IsType<ResetCompletion.Invalid>(await recovery.CompleteAsync(request.Id, ticket, NewPassword, NewPassword + "x"));
        Assert.True(mismatch.Errors.ContainsKey(PasswordRecovery.ConfirmPasswordField));
        Assert.IsType<ResetCompletion.Succeeded>(await recovery.CompleteAsync(request.Id, ticket, NewPassword, NewPassword));
    }

    [Fact]
    public async Task RecoveryKey_ReplacesTheCode_AndIsReplacedAfterUse()
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartWithRecoveryKeyAsync());

        Assert.Equal(new CodeCheck.Wrong(4), await recovery.VerifyAsync(request.Id, RecoveryKey.New()));
        var ticket = Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, harness.RecoveryKey.ToLowerInvariant())).Ticket;
        var done = Assert.IsType<ResetCompletion.Succeeded>(await recovery.CompleteAsync(request.Id, ticket, NewPassword, NewPassword));

        Assert.NotNull(done.NewRecoveryKey);
        var next = Started(await recovery.StartWithRecoveryKeyAsync());
        Assert.IsType<CodeCheck.Wrong>(await recovery.VerifyAsync(next.Id, harness.RecoveryKey));
        Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(next.Id, done.NewRecoveryKey));
    }

    [Fact]
    public async Task WithoutRecoveryEmail_TheCodeIsWrittenToTheDataFolder()
    {
        await using var harness = await SetUpAsync(email: "");
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());

        Assert.Equal(RecoveryMethod.CodeFile, request.Method);
        Assert.Equal(Path.Combine(harness.DataDir, "recovery-code.txt"), request.FilePath);
        var code = Nightjar.TestSupport.SecureCodeText.In(await File.ReadAllTextAsync(request.FilePath!));
        Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, code));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(request.FilePath!));
        }
    }

    [Fact]
    public async Task WithoutRelay_TheRequestNamesThePickupFile()
    {
        await using var harness = await SetUpAsync(relay: false);
        var request = Started(await harness.Get<PasswordRecovery>().StartAsync());

        Assert.Equal(RecoveryMethod.PickupFile, request.Method);
        Assert.StartsWith(Path.Combine(harness.DataDir, "mail-pickup"), request.FilePath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task EmptyEntry_IsNotCounted(string typed)
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());

        Assert.IsType<CodeCheck.Empty>(await recovery.VerifyAsync(request.Id, typed));
        Assert.Equal(new CodeCheck.Wrong(4), await recovery.VerifyAsync(request.Id, "0000-0000"));
    }

    [Theory]
    [InlineData("K7Q2\r\n9MZD")]
    [InlineData("' OR 1=1 --")]
    [InlineData("🦉🦉🦉🦉")]
    public async Task HostileEntry_CountsAsWrong(string typed)
    {
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var request = Started(await recovery.StartAsync());
        Assert.Equal(new CodeCheck.Wrong(4), await recovery.VerifyAsync(request.Id, typed));
        Assert.Equal(new CodeCheck.Wrong(3), await recovery.VerifyAsync(request.Id, new string('A', 100_000)));
    }

    [Fact]
    public async Task UnknownRequest_IsNotActive()
    {
        await using var harness = await SetUpAsync();
        Assert.IsType<CodeCheck.NotActive>(await harness.Get<PasswordRecovery>().VerifyAsync("no-such-request", "K7Q2-9MZD"));
    }
}
