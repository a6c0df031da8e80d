using System.Globalization;
using System.Net;
using MimeKit;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Mail;

namespace Nightjar.Recorder.Recovery;

/// <summary>
/// The two recovery emails, as plain text with an HTML alternative. No remote images and no links: everything
/// needed is in the message. Every user-supplied value is HTML-encoded in the HTML part.
/// </summary>
public sealed class RecoveryMessages(MailComposer composer, TimeProvider clock)
{
    public MimeMessage ResetPassword(string recipient, RecorderIdentity device, string code, DateTimeOffset requestedUtc, DateTimeOffset expiresUtc)
    {
        var shown = SecureCode.Display(code);
        var requested = Local(requestedUtc);
        var expires = Local(expiresUtc);
        var text = $"""
            Reset Password

            Someone at the screen of your Nightjar recorder asked to reset its admin password.
            Type this Secure Code on the recorder's screen:

                {shown}

            Recorder: {device.Name} ({device.DeviceId})
            Requested: {requested}
            The code works once and expires at {expires}.

            If you did not ask for this, someone at the recorder's screen did; your password is unchanged.
            """;
        var name = WebUtility.HtmlEncode(device.Name);
        var html = $"""
            <!DOCTYPE html>
            <html><body style="font-family:Arial,Helvetica,sans-serif;color:#1b232c;">
            <h1 style="font-size:20px;">Reset Password</h1>
            <p>Someone at the screen of your Nightjar recorder asked to reset its admin password. Type this Secure Code on the recorder's screen:</p>
            <p style="font-size:32px;font-weight:bold;letter-spacing:4px;font-family:'Courier New',monospace;">{shown}</p>
            <table style="font-size:14px;">
            <tr><td>Recorder:</td><td>{name} ({WebUtility.HtmlEncode(device.DeviceId)})</td></tr>
            <tr><td>Requested:</td><td>{requested}</td></tr>
            <tr><td>Expires:</td><td>{expires}</td></tr>
            </table>
            <p>The code works once.</p>
            <p>If you did not ask for this, someone at the recorder's screen did; your password is unchanged.</p>
            </body></html>
            """;
        return composer.Compose(MailboxAddress.Parse(recipient), $"Reset Password — {device.Name}", text, html);
    }

    public MimeMessage PasswordChanged(string recipient, RecorderIdentity device, DateTimeOffset changedUtc, string how)
    {
        var changed = Local(changedUtc);
        var text = $"""
            Password changed

            The admin password of your Nightjar recorder {device.Name} ({device.DeviceId}) was changed at {changed} {how}.
            Every session and app that used the old password has been signed out.

            If this was not you, go to the recorder's screen and reset the password again.
            """;
        var html = $"""
            <!DOCTYPE html>
            <html><body style="font-family:Arial,Helvetica,sans-serif;color:#1b232c;">
            <h1 style="font-size:20px;">Password changed</h1>
            <p>The admin password of your Nightjar recorder {WebUtility.HtmlEncode(device.Name)} ({WebUtility.HtmlEncode(device.DeviceId)}) was changed at {changed} {WebUtility.HtmlEncode(how)}.</p>
            <p>Every session and app that used the old password has been signed out.</p>
            <p>If this was not you, go to the recorder's screen and reset the password again.</p>
            </body></html>
            """;
        return composer.Compose(MailboxAddress.Parse(recipient), $"Password changed — {device.Name}", text, html);
    }

    /// <summary>In the recorder's own time zone, with its offset, so the owner can match it to the screen.</summary>
    private string Local(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, clock.LocalTimeZone).ToString("yyyy-MM-dd HH:mm 'UTC'zzz", CultureInfo.InvariantCulture);
}
