using System.Globalization;
using System.Net;
using MimeKit;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Mail;
using Nightjar.Recording;
using Nightjar.Recording.Events;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Alert emails, as plain text with an HTML alternative: an event's with its picture inline (and as an attachment for
/// mail programs that show no HTML), the recorder's health, and the test. No remote images, no links; every name the
/// owner typed is HTML-encoded. They go through the same outbox as every email, behind no Secure Code.
/// </summary>
public sealed class AlertEmails(MailComposer composer, RecordingEngine engine, TimeProvider clock)
{
    public async Task<OutboxMessage> EventAsync(string to, EventInfo described, RecordedEvent recorded, DeviceSummary device, DateTimeOffset notAfter)
    {
        var what = EventDescriptions.WhatHappened(described);
        var at = Local(described.Start);
        (byte[], string)? picture = null;
        if (recorded.SnapshotPath is { } path)
        {
            try
            {
                picture = (await File.ReadAllBytesAsync(engine.Layout.FullPath(path)), $"event-{described.Id.ToString(CultureInfo.InvariantCulture)}.jpg");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Deleted meanwhile: the email goes without it.
            }
        }

        var text = $"""
            {what} — {described.CameraName}

            {described.CameraName} saw {what.ToLowerInvariant()} at {at}.
            {(picture is null ? "No picture could be taken." : "The picture from that moment is attached.")}

            Recorder: {device.Name} ({device.Id})
            Find it on the recorder's Events screen, or in the app.
            """;
        var html = $"""
            <!DOCTYPE html>
            <html><body style="font-family:Arial,Helvetica,sans-serif;color:#1b232c;">
            <h1 style="font-size:20px;">{WebUtility.HtmlEncode(what)} — {WebUtility.HtmlEncode(described.CameraName)}</h1>
            <p>{WebUtility.HtmlEncode(described.CameraName)} saw {WebUtility.HtmlEncode(what.ToLowerInvariant())} at {at}.</p>
            {(picture is null ? "<p>No picture could be taken.</p>" : "<p><img src=\"cid:picture\" alt=\"The picture from that moment\" style=\"max-width:100%;\"></p>")}
            <p style="font-size:14px;">Recorder: {WebUtility.HtmlEncode(device.Name)} ({WebUtility.HtmlEncode(device.Id)})</p>
            </body></html>
            """;
        var subject = $"{what}: {described.CameraName} at {LocalShort(described.Start)}";
        return Queue(composer.Compose(MailboxAddress.Parse(to), subject, text, html, picture), AlertPurpose.EventEmail, notAfter, recorded.CameraId);
    }

    public Task<OutboxMessage> HealthAsync(string to, HealthInfo health, DateTimeOffset notAfter)
    {
        var text = $"""
            {health.Text}

            At {Local(health.At)}.
            """;
        var html = $"""
            <!DOCTYPE html>
            <html><body style="font-family:Arial,Helvetica,sans-serif;color:#1b232c;">
            <p>{WebUtility.HtmlEncode(health.Text)}</p>
            <p>At {Local(health.At)}.</p>
            </body></html>
            """;
        return Task.FromResult(Queue(composer.Compose(MailboxAddress.Parse(to), health.Text, text, html), AlertPurpose.Health, notAfter, health.Camera ?? "recorder"));
    }

    public Task<OutboxMessage> TestAsync(string to, DeviceSummary device, DateTimeOffset notAfter)
    {
        var line = $"This is a test alert from your Nightjar recorder {device.Name} ({device.Id}). Motion alerts will reach you here.";
        var html = $"<p>{WebUtility.HtmlEncode(line)}</p>";
        return Task.FromResult(Queue(composer.Compose(MailboxAddress.Parse(to), $"Test alert — {device.Name}", line, html), AlertPurpose.Test, notAfter, null));
    }

    private static OutboxMessage Queue(MimeMessage message, string purpose, DateTimeOffset notAfter, string? key) =>
        OutboxMail.Message(message, purpose, notAfter, sensitive: false, OutboxPriority.Alert, key);

    private string Local(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, clock.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture);

    private string LocalShort(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, clock.LocalTimeZone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
