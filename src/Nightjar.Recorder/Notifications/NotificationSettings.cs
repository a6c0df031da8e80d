using System.Globalization;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Where alerts go, as typed in Settings → Notifications or given in configuration, every value as text (as the form
/// holds it). <see cref="NotificationRules"/> checks them; the typed accessors read values that passed.
/// </summary>
public sealed record NotificationSettings(
    bool SendAlerts,
    bool HealthAlerts,
    string EmailTo,
    string EmailCooldown,
    string MqttHost,
    string MqttPort,
    string MqttUserName,
    string MqttPassword,
    bool MqttTls,
    string MqttCaFile,
    string MqttTopicPrefix,
    bool MqttHomeAssistant,
    string WebhookUrl,
    string WebhookSecret)
{
    public const int DefaultMqttPort = 1883;
    public const string DefaultTopicPrefix = "nightjar";
    public static readonly TimeSpan DefaultEmailCooldown = TimeSpan.FromMinutes(5);

    /// <summary>Alerts on, health alerts on, no channel set up yet.</summary>
    public static NotificationSettings Default { get; } = new(
        true, true, "", "00:05:00", "", "", "", "", false, "", DefaultTopicPrefix, true, "", "");

    public bool HasEmail => EmailTo.Trim().Length > 0;

    public bool HasMqtt => MqttHost.Trim().Length > 0;

    public bool HasWebhook => WebhookUrl.Trim().Length > 0;

    public TimeSpan Cooldown => TimeSpan.TryParse(EmailCooldown, CultureInfo.InvariantCulture, out var cooldown) ? cooldown : DefaultEmailCooldown;

    public int Port => int.TryParse(MqttPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : DefaultMqttPort;

    public string TopicPrefix => MqttTopicPrefix.Trim().Length == 0 ? DefaultTopicPrefix : MqttTopicPrefix.Trim();

    /// <summary>The values without their secrets (for the form to show: a secret is never shown back).</summary>
    public NotificationSettings WithoutSecrets() => this with { MqttPassword = "", WebhookSecret = "" };
}
