namespace Nightjar.Recorder.Notifications;

/// <summary>The fields of Settings → Notifications, as keys of their messages and of the configuration they come from.</summary>
public static class NotificationField
{
    public const string SendAlerts = "SendAlerts";
    public const string HealthAlerts = "HealthAlerts";
    public const string EmailTo = "Email:To";
    public const string EmailCooldown = "Email:Cooldown";
    public const string MqttHost = "Mqtt:Host";
    public const string MqttPort = "Mqtt:Port";
    public const string MqttUserName = "Mqtt:UserName";
    public const string MqttPassword = "Mqtt:Password";
    public const string MqttTls = "Mqtt:Tls";
    public const string MqttCaFile = "Mqtt:CaFile";
    public const string MqttTopicPrefix = "Mqtt:TopicPrefix";
    public const string MqttHomeAssistant = "Mqtt:HomeAssistant";
    public const string WebhookUrl = "Webhook:Url";
    public const string WebhookSecret = "Webhook:Secret";

    /// <summary>Fields whose values are secrets: stored encrypted, never shown back.</summary>
    public static readonly IReadOnlySet<string> Secrets = new HashSet<string>(StringComparer.Ordinal) { MqttPassword, WebhookSecret };
}
