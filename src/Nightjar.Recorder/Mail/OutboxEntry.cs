namespace Nightjar.Recorder.Mail;

/// <summary>One message in the outbox, as the console shows it (never its content).</summary>
public sealed record OutboxEntry(
    long Id,
    string Purpose,
    string Recipient,
    string Subject,
    DateTimeOffset CreatedUtc,
    DateTimeOffset NotAfterUtc,
    OutboxState State,
    int Attempts,
    DateTimeOffset NextAttemptUtc,
    string? LastError,
    DateTimeOffset? SentUtc)
{
    /// <summary>The status line of SPEC §3: queued / sent / retrying: reason.</summary>
    public string StatusText => State switch
    {
        OutboxState.Queued => "Queued",
        OutboxState.Sent => "Sent",
        OutboxState.WrittenToPickup => "Not emailed: written to the pickup folder (no mail relay is set up)",
        OutboxState.Retrying => $"Retrying: {LastError}",
        OutboxState.Failed => $"Not delivered: {LastError}",
        _ => "Expired before it could be delivered" + (LastError is null ? "" : $" ({LastError})"),
    };
}
