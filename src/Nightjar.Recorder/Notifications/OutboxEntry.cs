namespace Nightjar.Recorder.Notifications;

/// <summary>One message in the outbox, as the console shows it (never its content). <see cref="Folded"/> later alerts were folded into it.</summary>
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
    DateTimeOffset? SentUtc,
    string Channel = OutboxChannel.Email,
    int Folded = 0)
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
