using System.Globalization;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Security;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// What Settings → Notifications and <c>Nightjar:Notifications</c> accept: a message per field that is wrong, in words
/// the owner can act on. The same rules for both, so configuration cannot hold what the console would refuse.
/// </summary>
public static class NotificationRules
{
    public const int MaxHostLength = 253;
    public const int MaxCredentialLength = 256;
    public const int MaxUrlLength = 2000;
    public const int MaxTopicPrefixLength = 64;
    public static readonly TimeSpan MaxCooldown = TimeSpan.FromDays(1);

    public static Dictionary<string, string> Validate(NotificationSettings settings)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (settings.EmailTo.Trim().Length > 0 && RecoveryEmail.Validate(settings.EmailTo.Trim()) is { } emailError)
        {
            errors[NotificationField.EmailTo] = emailError;
        }

        if (!TimeSpan.TryParse(settings.EmailCooldown.Trim(), CultureInfo.InvariantCulture, out var cooldown) || cooldown < TimeSpan.Zero || cooldown > MaxCooldown)
        {
            errors[NotificationField.EmailCooldown] = "Give the cool-down as hours:minutes:seconds, from 00:00:00 to 1.00:00:00 (a day).";
        }

        var host = settings.MqttHost.Trim();
        if (host.Length > MaxHostLength)
        {
            errors[NotificationField.MqttHost] = $"Use at most {MaxHostLength} characters.";
        }
        else if (host.Length > 0 && (TypedText.HasHiddenCharacters(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown))
        {
            errors[NotificationField.MqttHost] = "Enter the broker's host name, such as homeassistant.local, or its IP address.";
        }

        var port = settings.MqttPort.Trim();
        if (port.Length > 0 && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535))
        {
            errors[NotificationField.MqttPort] = "Enter a port number from 1 to 65535, for example 1883.";
        }

        Credential(NotificationField.MqttUserName, settings.MqttUserName, errors);
        Credential(NotificationField.MqttPassword, settings.MqttPassword, errors);
        if (TopicPrefixProblem(settings.MqttTopicPrefix.Trim()) is { } prefixError)
        {
            errors[NotificationField.MqttTopicPrefix] = prefixError;
        }

        if (settings.MqttCaFile.Length > 0 && (settings.MqttCaFile.Length > 4096 || TypedText.HasHiddenCharacters(settings.MqttCaFile)))
        {
            errors[NotificationField.MqttCaFile] = "Give the path of a PEM file of certificate authorities.";
        }

        var url = settings.WebhookUrl.Trim();
        if (url.Length > MaxUrlLength)
        {
            errors[NotificationField.WebhookUrl] = $"Use at most {MaxUrlLength} characters.";
        }
        else if (url.Length > 0 && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                 || string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0 || TypedText.HasHiddenCharacters(url)))
        {
            errors[NotificationField.WebhookUrl] = "Enter an http:// or https:// address without a user name or password in it, such as https://homeassistant.local:8123/api/webhook/nightjar.";
        }

        Credential(NotificationField.WebhookSecret, settings.WebhookSecret, errors);
        return errors;
    }

    /// <summary>
    /// A topic prefix is one or more topic levels of printable text: no MQTT wildcards (<c>#</c>, <c>+</c>), no empty
    /// level, no leading or trailing slash, no <c>$</c> at the start (the broker's own topics).
    /// </summary>
    public static string? TopicPrefixProblem(string prefix)
    {
        if (prefix.Length == 0)
        {
            return null; // the default
        }

        if (prefix.Length > MaxTopicPrefixLength)
        {
            return $"Use at most {MaxTopicPrefixLength} characters.";
        }

        if (prefix.Contains('#', StringComparison.Ordinal) || prefix.Contains('+', StringComparison.Ordinal))
        {
            return "A topic prefix cannot hold the MQTT wildcards # or +.";
        }

        if (prefix.StartsWith('/') || prefix.EndsWith('/') || prefix.Contains("//", StringComparison.Ordinal) || prefix.StartsWith('$'))
        {
            return "Use words separated by single slashes, such as nightjar or home/nightjar.";
        }

        return TypedText.HasHiddenCharacters(prefix) || prefix.Any(char.IsWhiteSpace) ? "A topic prefix cannot hold spaces, control or invisible characters." : null;
    }

    private static void Credential(string field, string value, Dictionary<string, string> errors)
    {
        if (value.Length > MaxCredentialLength)
        {
            errors[field] = $"Use at most {MaxCredentialLength} characters.";
        }
        else if (TypedText.HasHiddenCharacters(value))
        {
            errors[field] = "Line breaks, control and invisible characters are not allowed.";
        }
    }
}
