namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Alerts from configuration (section <c>Nightjar:Notifications</c>). A value set here wins over the value saved in
/// Settings → Notifications, which shows it read-only.
/// </summary>
public sealed class NotificationsOptions
{
    public const string Section = "Nightjar:Notifications";

    public bool? SendAlerts { get; set; }

    public bool? HealthAlerts { get; set; }

    public EmailAlertOptions Email { get; set; } = new();

    public MqttOptions Mqtt { get; set; } = new();

    public WebhookOptions Webhook { get; set; } = new();

    public PushOptions Push { get; set; } = new();

    public sealed class EmailAlertOptions
    {
        public string? To { get; set; }

        public TimeSpan? Cooldown { get; set; }
    }

    public sealed class MqttOptions
    {
        public string? Host { get; set; }

        public int? Port { get; set; }

        public string? UserName { get; set; }

        public string? Password { get; set; }

        public bool? Tls { get; set; }

        /// <summary>A PEM file of the certificate authorities the broker's certificate is checked against, instead of the system's.</summary>
        public string? CaFile { get; set; }

        public string? TopicPrefix { get; set; }

        public bool? HomeAssistant { get; set; }
    }

    /// <summary>Web Push: browsers register themselves; only a self-hosted push service needs a setting.</summary>
    public sealed class PushOptions
    {
        /// <summary>A PEM file of the certificate authorities a push service's certificate is checked against, besides the system's.</summary>
        public string? CaFile { get; set; }
    }

    public sealed class WebhookOptions
    {
        public string? Url { get; set; }

        public string? Secret { get; set; }
    }
}
