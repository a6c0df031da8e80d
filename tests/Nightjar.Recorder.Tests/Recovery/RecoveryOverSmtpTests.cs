using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Recovery;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Recovery;

/// <summary>The running recorder, its mail sender and a real SMTP server on loopback.</summary>
public class RecoveryOverSmtpTests
{
    private const string NewPassword = "amber-lantern-7305";

    private static async Task<OutboxEntry> WaitForStatusAsync(TestRecorder recorder, long messageId, Func<OutboxEntry, bool> done, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var entry = (await recorder.Get<Outbox>().GetAsync(messageId))!;
            if (done(entry))
            {
                return entry;
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"Message {messageId} stayed {entry.StatusText}.");
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task ResetEmail_ArrivesAtTheRelay_AndItsCodeResetsThePassword()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com", smtp);
        var recovery = recorder.Get<PasswordRecovery>();

        var request = Assert.IsType<RecoveryStart.Started>(await recovery.StartAsync()).Request;
        var email = await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var sent = await WaitForStatusAsync(recorder, request.Message!.Id, e => e.State == OutboxState.Sent, TimeSpan.FromSeconds(10));

        Assert.Equal("jane@example.com", email.To.Mailboxes.Single().Address);
        Assert.Equal("Sent", sent.StatusText);
        var ticket = Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, SecureCodeText.In(email))).Ticket;
        Assert.IsType<ResetCompletion.Succeeded>(await recovery.CompleteAsync(request.Id, ticket, NewPassword, NewPassword));
        var login = recorder.Get<ConsoleLogin>();
        Assert.IsType<LoginOutcome.WrongCredentials>(await login.LoginAsync("admin", TestRecorder.AdminPassword));
        Assert.IsType<LoginOutcome.Succeeded>(await login.LoginAsync("admin", NewPassword));
        await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Password changed", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task WithoutRelay_TheEmailIsWrittenToThePickupFolder_WithAWorkingCode_AndIsNotCalledSent()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com", relay: null);
        var recovery = recorder.Get<PasswordRecovery>();

        var request = Assert.IsType<RecoveryStart.Started>(await recovery.StartAsync()).Request;
        var written = await WaitForStatusAsync(recorder, request.Message!.Id, e => e.State != OutboxState.Queued, TimeSpan.FromSeconds(20));

        Assert.Equal(OutboxState.WrittenToPickup, written.State);
        Assert.StartsWith("Not emailed: written to the pickup folder", written.StatusText, StringComparison.Ordinal);
        var email = await MimeKit.MimeMessage.LoadAsync(request.FilePath!);
        Assert.Equal("jane@example.com", email.To.Mailboxes.Single().Address);
        Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, SecureCodeText.In(email)));

        // Settings → Log does not call it delivered either (the line is written just after the message's state).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        List<string> logged;
        while (!(logged = (await recorder.Get<AuditLog>().ReadRecentAsync(20)).Select(e => AuditWords.For(e.Event)).ToList()).Contains("Email not sent (no mail relay)"))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "Settings → Log: " + string.Join("; ", logged));
            await Task.Delay(50);
        }

        Assert.DoesNotContain("Email delivered", logged);
    }

    [Fact]
    public async Task RelayDown_ShowsRetrying_ThenDeliversWhenItReturns()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com", smtp);
        await smtp.PauseAsync();

        var request = Assert.IsType<RecoveryStart.Started>(await recorder.Get<PasswordRecovery>().StartAsync()).Request;
        var retrying = await WaitForStatusAsync(recorder, request.Message!.Id, e => e.State == OutboxState.Retrying, TimeSpan.FromSeconds(20));
        Assert.StartsWith("Retrying: relay unreachable", retrying.StatusText, StringComparison.Ordinal);

        smtp.Resume();
        var email = await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
        await WaitForStatusAsync(recorder, request.Message.Id, e => e.State == OutboxState.Sent, TimeSpan.FromSeconds(10));
        Assert.IsType<CodeCheck.Accepted>(await recorder.Get<PasswordRecovery>().VerifyAsync(request.Id, SecureCodeText.In(email)));
    }

    [Fact]
    public async Task RelayRefusesTheRecipient_StatusShowsIt_AndNoEndlessRetry()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        smtp.RefuseRecipients = true;
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com", smtp);

        var request = Assert.IsType<RecoveryStart.Started>(await recorder.Get<PasswordRecovery>().StartAsync()).Request;
        var failed = await WaitForStatusAsync(recorder, request.Message!.Id, e => e.State == OutboxState.Failed, TimeSpan.FromSeconds(20));

        Assert.StartsWith("Not delivered: recipient refused (5", failed.StatusText, StringComparison.Ordinal);
        Assert.Equal(1, failed.Attempts);
        // Nothing is left for the sender to try, now or later: a refusal is final (no waiting out a retry time here).
        Assert.Null(await recorder.Get<Outbox>().NextAttemptAsync(OutboxChannel.Email, OutboxPriority.Account));
    }

    [Fact]
    public async Task DeliveredResetEmail_IsErasedFromTheOutbox()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com", smtp);

        var request = Assert.IsType<RecoveryStart.Started>(await recorder.Get<PasswordRecovery>().StartAsync()).Request;
        await WaitForStatusAsync(recorder, request.Message!.Id, e => e.State == OutboxState.Sent, TimeSpan.FromSeconds(20));

        await using var connection = await recorder.Get<Nightjar.Recorder.Storage.Database>().OpenAsync();
        var content = await SqliteCommands.ExecuteScalarAsync<byte[]?>(connection, "SELECT content FROM outbox WHERE id = @Id", new { Id = request.Message.Id });
        Assert.Null(content);
    }

    [Fact]
    public async Task AUsedSecureCode_CannotBeReadInTheDatabaseItsWalOrABackup()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("jane@example.com", smtp);
        var recovery = recorder.Get<PasswordRecovery>();
        var database = recorder.Get<Nightjar.Recorder.Storage.Database>();

        var request = Assert.IsType<RecoveryStart.Started>(await recovery.StartAsync()).Request;
        var code = SecureCodeText.In(await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal), TimeSpan.FromSeconds(20)));
        await WaitForStatusAsync(recorder, request.Message!.Id, e => e.State == OutboxState.Sent, TimeSpan.FromSeconds(10));
        var ticket = Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(request.Id, code)).Ticket;
        Assert.IsType<ResetCompletion.Succeeded>(await recovery.CompleteAsync(request.Id, ticket, NewPassword, NewPassword));
        var backup = database.Path + ".backup";
        await using (var source = await database.OpenAsync())
        await using (var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={backup};Pooling=False"))
        {
            copy.Open();
            source.BackupDatabase(copy);
        }

        foreach (var file in new[] { database.Path, database.Path + "-wal", backup })
        {
            var bytes = File.Exists(file) ? await File.ReadAllBytesAsync(file) : [];
            foreach (var spelling in new[] { code, code.Replace("-", "", StringComparison.Ordinal) })
            {
                Assert.True(
                    bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(spelling)) < 0,
                    $"The used code {spelling} can still be read in {Path.GetFileName(file)}.");
            }
        }
    }
}
