using MimeKit;
using Nightjar.Recorder.Notifications;

namespace Nightjar.Recorder.Mail;

/// <summary>
/// Delivers the outbox's email in the background: to the relay when one is configured, else to the pickup folder.
/// Failed attempts are retried on <see cref="RetrySchedule"/> until the message's time runs out. Account mail (a
/// Secure Code) and alert mail have a sender each, so a Secure Code never waits behind an alert being sent.
/// </summary>
public sealed class MailSender(
    Outbox outbox,
    SmtpRelay relay,
    PickupFolder pickup,
    MailRelaySettingsStore settings,
    Audit.AuditLog audit,
    TimeProvider clock,
    ILogger<MailSender> log) : BackgroundService
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SendAsync(OutboxPriority.Account, stoppingToken), SendAsync(OutboxPriority.Alert, stoppingToken));

    private async Task SendAsync(int priority, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await outbox.ExpireOverdueAsync();
                while (!stoppingToken.IsCancellationRequested && await outbox.NextDueAsync(OutboxChannel.Email, priority) is { } due)
                {
                    await DeliverAsync(due, stoppingToken);
                }

                var next = await outbox.NextAttemptAsync(OutboxChannel.Email, priority);
                var wait = next is { } at ? at - clock.GetUtcNow() : IdleCheck;
                await outbox.WaitForWorkAsync(OutboxChannel.Email, priority, wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleCheck ? IdleCheck : wait, stoppingToken);
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

    private async Task DeliverAsync(DueMessage due, CancellationToken cancellationToken)
    {
        var id = due.Id;
        MimeMessage message;
        using (var stream = new MemoryStream(due.Content))
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
                await outbox.RetryOrExpireAsync(due, transient.Reason);
                log.LogWarning("Message {Id} not delivered yet: {Reason}", id, transient.Reason);
                break;
        }
    }
}
