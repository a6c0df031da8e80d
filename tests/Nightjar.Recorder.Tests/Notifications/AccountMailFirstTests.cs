using MimeKit;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Storage;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Notifications;

/// <summary>A Secure Code never waits behind alerts: account mail has a sender of its own.</summary>
public sealed class AccountMailFirstTests
{
    [Fact]
    public async Task ASecureCode_GoesOut_WhileTwoHundredAlertEmailsStillWait()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync("owner@example.com", smtp);
        var composer = recorder.Get<MailComposer>();
        var outbox = recorder.Get<Outbox>();
        var deadline = TimeProvider.System.GetUtcNow().AddHours(1);
        var ids = await recorder.Get<Database>().InTransactionAsync(async (connection, transaction) =>
        {
            var queued = new List<long>();
            for (var i = 0; i < 200; i++)
            {
                var alert = composer.Compose(MailboxAddress.Parse("alerts@example.com"), $"Motion: Porch #{i}", "Motion.", "<p>Motion.</p>");
                queued.Add(await outbox.EnqueueAsync(connection, transaction,
                    OutboxMail.Message(alert, AlertPurpose.EventEmail, deadline, sensitive: false, OutboxPriority.Alert, "porch")));
            }

            return queued;
        });
        outbox.Queued(ids[^1]);

        Assert.IsType<RecoveryStart.Started>(await recorder.Get<PasswordRecovery>().StartAsync());
        await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var alertsBefore = smtp.Received.TakeWhile(m => !(m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal)).Count();

        Assert.True(alertsBefore < 100, $"The Secure Code went out after {alertsBefore} of 200 alerts queued before it.");
        await smtp.WaitForMessageAsync(m => m.Subject == "Motion: Porch #199", TimeSpan.FromSeconds(60));
        var alertOrder = smtp.Received.Where(m => (m.Subject ?? "").StartsWith("Motion: Porch #", StringComparison.Ordinal))
            .Select(m => int.Parse(m.Subject!["Motion: Porch #".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, 200), alertOrder); // a camera's alerts in the order they happened
    }
}
