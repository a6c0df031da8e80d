namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Which messages go first, as stored in the outbox's <c>priority</c>: the owner's own account mail (a Secure Code,
/// "password changed") never waits behind alerts, which have senders of their own.
/// </summary>
public static class OutboxPriority
{
    public const int Account = 0;
    public const int Alert = 1;
}
