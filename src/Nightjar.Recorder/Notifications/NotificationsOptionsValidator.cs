using System.Globalization;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Notifications;

/// <summary><c>Nightjar:Notifications</c> follows the rules of Settings → Notifications; every message names the key.</summary>
public sealed class NotificationsOptionsValidator : IValidateOptions<NotificationsOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationsOptions options)
    {
        var settings = NotificationSettings.Default with
        {
            EmailTo = options.Email.To ?? "",
            EmailCooldown = options.Email.Cooldown?.ToString("c", CultureInfo.InvariantCulture) ?? NotificationSettings.Default.EmailCooldown,
            MqttHost = options.Mqtt.Host ?? "",
            MqttPort = options.Mqtt.Port?.ToString(CultureInfo.InvariantCulture) ?? "",
            MqttUserName = options.Mqtt.UserName ?? "",
            MqttPassword = options.Mqtt.Password ?? "",
            MqttCaFile = options.Mqtt.CaFile ?? "",
            MqttTopicPrefix = options.Mqtt.TopicPrefix ?? "",
            WebhookUrl = options.Webhook.Url ?? "",
            WebhookSecret = options.Webhook.Secret ?? "",
        };
        var failures = NotificationRules.Validate(settings).Select(e => $"{NotificationsOptions.Section}:{e.Key}: {e.Value}").ToList();
        if (options.Mqtt.CaFile is { Length: > 0 } caFile && !File.Exists(caFile))
        {
            failures.Add($"{NotificationsOptions.Section}:Mqtt:CaFile: there is no file '{caFile}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
