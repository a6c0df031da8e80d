using MimeKit;

namespace Nightjar.Recorder.Mail;

/// <summary>
/// Delivers the outbox in the background: to the relay when one is configured, else to the pickup folder.
/// Failed attempts are retried on <see cref="RetrySchedule"/> until the message's time runs out.
/// </summary>
public sealed class MailSender(
    MailOutbox outbox,
    SmtpRelay relay,
    PickupFolder pickup,
    MailRelaySettingsStore settings,
    Audit.AuditLog audit,
    TimeProvider clock,
    ILogger<MailSender> log) : BackgroundService
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await outbox.ExpireOverdueAsync();
                while (!stoppingToken.IsCancellationRequested && await outbox.NextDueAsync() is { } due)
                {
                    await DeliverAsync(due.Id, due.Content, due.NotAfter, due.Attempts, stoppingToken);
                }

                var next = await outbox.NextAttemptAsync();
                var wait = next is { } at ? at - clock.GetUtcNow() : IdleCheck;
                await outbox.WaitForWorkAsync(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleCheck ? IdleCheck : wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage trouble, most likely; the messages stay queued and the next round tries again.
                log.LogError(ex, "The mail sender failed; trying again in 5 s.");
                await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
            }
        }
    }

    private async Task DeliverAsync(long id, byte[] content, DateTimeOffset notAfter, int attempts, CancellationToken cancellationToken)
    {
        MimeMessage message;
        using (var stream = new MemoryStream(content))
        {
            message = await MimeMessage.LoadAsync(stream, cancellationToken);
        }

        var effective = await settings.GetEffectiveAsync();
        DeliveryResult result;
        if (!effective.IsConfigured)
        {
            await pickup.WriteAsync(id, message, cancellationToken);
            result = new DeliveryResult.Delivered();
        }
        else
        {
            result = await relay.SendAsync(effective.Settings, message, cancellationToken);
        }

        switch (result)
        {
            case DeliveryResult.Delivered:
                await (effective.IsConfigured ? outbox.MarkSentAsync(id) : outbox.MarkWrittenToPickupAsync(id));
                await audit.WriteAsync(Audit.AuditEvent.MailDelivered, $"\"{message.Subject}\" {(effective.IsConfigured ? "accepted by the mail relay" : "written to the pickup folder")}.");
                log.LogInformation("Message {Id} delivered.", id);
                break;
            case DeliveryResult.Permanent permanent:
                await outbox.MarkFailedAsync(id, permanent.Reason);
                await audit.WriteAsync(Audit.AuditEvent.MailNotDelivered, $"\"{message.Subject}\" refused: {permanent.Reason}");
                log.LogWarning("Message {Id} refused: {Reason}", id, permanent.Reason);
                break;
            case DeliveryResult.Transient transient:
                if (RetrySchedule.Next(attempts + 1, clock.GetUtcNow(), notAfter) is { } next)
                {
                    await outbox.MarkRetryAsync(id, transient.Reason, next);
                }
                else
                {
                    await outbox.MarkExpiredAsync(id, transient.Reason);
                }

                log.LogWarning("Message {Id} not delivered yet: {Reason}", id, transient.Reason);
                break;
        }
    }
}
