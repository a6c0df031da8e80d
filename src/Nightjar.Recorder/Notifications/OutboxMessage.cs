namespace Nightjar.Recorder.Notifications;

/// <summary>
/// A message to queue: for which <see cref="Channel"/>, why (<see cref="Purpose"/>), to whom and under what subject (as
/// the delivery logs show it), its bytes (a whole email, or an alert's JSON), whether those bytes hold a secret (erased
/// once delivered), until when it is worth sending, how urgent, and the key within which messages go out in order
/// (a camera's alerts), if any.
/// </summary>
public sealed record OutboxMessage(
    string Channel,
    string Purpose,
    string Recipient,
    string Subject,
    byte[] Content,
    bool Sensitive,
    DateTimeOffset NotAfter,
    int Priority = OutboxPriority.Account,
    string? SequenceKey = null);
