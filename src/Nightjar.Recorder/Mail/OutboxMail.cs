using Microsoft.Data.Sqlite;
using MimeKit;
using Nightjar.Recorder.Notifications;

namespace Nightjar.Recorder.Mail;

/// <summary>Emails in the <see cref="Outbox"/>: the whole message as it will be sent, so a crash or a reboot loses nothing.</summary>
public static class OutboxMail
{
    public static OutboxMessage Message(MimeMessage message, string purpose, DateTimeOffset notAfter, bool sensitive,
        int priority = OutboxPriority.Account, string? sequenceKey = null)
    {
        using var content = new MemoryStream();
        message.WriteTo(content);
        return new OutboxMessage(OutboxChannel.Email, purpose, string.Join(", ", message.To.Mailboxes.Select(m => m.Address)), message.Subject ?? "",
            content.ToArray(), sensitive, notAfter, priority, sequenceKey);
    }

    public static Task<long> EnqueueAsync(this Outbox outbox, SqliteConnection connection, SqliteTransaction transaction, MimeMessage message,
        string purpose, DateTimeOffset notAfter, bool sensitive) =>
        outbox.EnqueueAsync(connection, transaction, Message(message, purpose, notAfter, sensitive));
}
