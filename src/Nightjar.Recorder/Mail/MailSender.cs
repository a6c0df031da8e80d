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
    ILogger<MailSender> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        outbox.SendForeverAsync(OutboxChannel.Email, OutboxPriority.Account, DeliverAsync, log, stoppingToken),
        outbox.SendForeverAsync(OutboxChannel.Email, OutboxPriority.Alert, DeliverAsync, log, stoppingToken));

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
                // Written to the pickup folder is not delivered: nobody receives it there, and the log must not say otherwise.
                await audit.WriteAsync(
                    effective.IsConfigured ? Audit.AuditEvent.MailDelivered : Audit.AuditEvent.MailWrittenToPickup,
                    $"\"{message.Subject}\" {(effective.IsConfigured ? "accepted by the mail relay" : "written to the pickup folder in the data folder, where nobody receives it")}.");
                log.LogInformation("Message {Id} {Outcome}.", id, effective.IsConfigured ? "delivered" : "written to the pickup folder");
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
