namespace Nightjar.Recorder.Notifications;

/// <summary>The ways a message leaves the recorder, as stored in the outbox's <c>channel</c>. Never rename one.</summary>
public static class OutboxChannel
{
    public const string Email = "email";
    public const string Mqtt = "mqtt";
    public const string Webhook = "webhook";
    public const string Push = "push";

    /// <summary>The channels of alerts (email alerts go through <see cref="Email"/> with <see cref="OutboxPriority.Alert"/>).</summary>
    public static readonly IReadOnlyList<string> All = [Email, Mqtt, Webhook, Push];
}
