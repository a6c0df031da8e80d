namespace Nightjar.Recorder.Notifications;

/// <summary>What an alert in the outbox is for (its <c>purpose</c>): the senders act on it. Stored: never rename one.</summary>
public static class AlertPurpose
{
    /// <summary>An event began to alert (at its start, or when a person was first seen in it): the message, and on MQTT the camera's states.</summary>
    public const string EventStart = "event.start";

    /// <summary>An event that alerted ended: the message, and on MQTT the camera's states (all OFF).</summary>
    public const string EventEnd = "event.end";

    /// <summary>The detector saw something new in an event that alerts: the message, and on MQTT the camera's states.</summary>
    public const string EventUpdate = "event.update";

    /// <summary>
    /// MQTT only, for an event that does not alert (its camera snoozed, or alerting on what it did not show): its
    /// motion, person, vehicle and animal ON or OFF, which Home Assistant shows as state, without the alert.
    /// </summary>
    public const string EventState = "event.state";

    /// <summary>MQTT only: the event's picture, published to the camera's snapshot topic.</summary>
    public const string EventPicture = "event.picture";

    /// <summary>An email about an event, with its picture.</summary>
    public const string EventEmail = "event.email";

    public const string Health = "health";

    /// <summary>Send Test in Settings → Notifications.</summary>
    public const string Test = "test";
}
