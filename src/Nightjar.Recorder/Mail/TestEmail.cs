using MimeKit;
using Nightjar.Recorder.Identity;

namespace Nightjar.Recorder.Mail;

/// <summary>
/// "Send Test Email": one message straight through the relay settings on screen (saved or not), so the owner
/// learns at once whether mail will reach them, and why not.
/// </summary>
public sealed class TestEmail(MailComposer composer, SmtpRelay relay, RecorderIdentityStore devices)
{
    public async Task<DeliveryResult> SendAsync(RelaySettings settings, string recipient, CancellationToken cancellationToken = default)
    {
        var device = await devices.GetAsync();
        var message = composer.Compose(
            MailboxAddress.Parse(recipient.Trim()),
            $"Test email — {device.Name}",
            $"This is a test from your Nightjar recorder {device.Name} ({device.DeviceId}). If you can read it, password recovery emails will reach you too.",
            $"<p>This is a test from your Nightjar recorder {System.Net.WebUtility.HtmlEncode(device.Name)} ({device.DeviceId}). If you can read it, password recovery emails will reach you too.</p>");
        return await relay.SendAsync(settings, message, cancellationToken);
    }
}
