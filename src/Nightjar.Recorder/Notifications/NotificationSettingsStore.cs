using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Security;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Saves Settings → Notifications (the <c>setting</c> table, keys <c>notifications.*</c>; the broker's password and the
/// webhook's secret encrypted like camera passwords) and merges it under <c>Nightjar:Notifications</c> from
/// configuration, which wins field by field. Also keeps what the alert senders must remember: each camera's snooze,
/// its last email alert, and how far the event change log has been read.
/// </summary>
public sealed class NotificationSettingsStore(Database database, SecretProtector protector, IOptionsMonitor<NotificationsOptions> options)
{
    private const string Prefix = "notifications.";
    private const string CursorKey = "notifications.cursor";
    private const string SnoozePrefix = "notifications.snooze.";
    private const string LastEmailPrefix = "notifications.last-email.";

    /// <summary>Raised after the settings were saved.</summary>
    public event Action? Changed;

    public async Task<EffectiveNotificationSettings> GetEffectiveAsync()
    {
        Dictionary<string, string> saved;
        await using (var connection = await database.OpenAsync())
        {
            saved = (await connection.QueryAsync("SELECT key, value FROM setting WHERE key LIKE 'notifications.setting.%'",
                    r => (Key: r.GetString(0)["notifications.setting.".Length..], Value: r.GetString(1))))
                .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        }

        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in NotificationField.Secrets)
        {
            if (saved.TryGetValue(field, out var sealedText))
            {
                var plain = protector.Unprotect(SecretPurpose(field), Convert.FromBase64String(sealedText));
                if (plain is not null)
                {
                    saved[field] = plain;
                    secrets.Add(field);
                }
                else
                {
                    saved.Remove(field); // made with a key file that was replaced: typed again, it works again
                }
            }
        }

        var configured = ConfiguredValues();
        var defaults = NotificationSettings.Default;
        string Text(string field, string fallback) => configured.GetValueOrDefault(field) ?? saved.GetValueOrDefault(field) ?? fallback;
        bool Flag(string field, bool fallback) => bool.TryParse(Text(field, fallback ? "true" : "false"), out var value) ? value : fallback;

        var settings = new NotificationSettings(
            Flag(NotificationField.SendAlerts, defaults.SendAlerts),
            Flag(NotificationField.HealthAlerts, defaults.HealthAlerts),
            Text(NotificationField.EmailTo, defaults.EmailTo),
            Text(NotificationField.EmailCooldown, defaults.EmailCooldown),
            Text(NotificationField.MqttHost, defaults.MqttHost),
            Text(NotificationField.MqttPort, defaults.MqttPort),
            Text(NotificationField.MqttUserName, defaults.MqttUserName),
            Text(NotificationField.MqttPassword, defaults.MqttPassword),
            Flag(NotificationField.MqttTls, defaults.MqttTls),
            Text(NotificationField.MqttCaFile, defaults.MqttCaFile),
            Text(NotificationField.MqttTopicPrefix, defaults.MqttTopicPrefix),
            Flag(NotificationField.MqttHomeAssistant, defaults.MqttHomeAssistant),
            Text(NotificationField.WebhookUrl, defaults.WebhookUrl),
            Text(NotificationField.WebhookSecret, defaults.WebhookSecret));
        return new EffectiveNotificationSettings(settings, configured.Keys.ToHashSet(StringComparer.Ordinal), secrets);
    }

    /// <summary>
    /// Saves settings that passed <see cref="NotificationRules"/>. Fields set in configuration are left alone; an empty
    /// secret keeps the one saved, unless its channel was removed (no broker, no webhook), which removes it too.
    /// </summary>
    public async Task SaveAsync(NotificationSettings settings)
    {
        var configured = ConfiguredValues();
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [NotificationField.SendAlerts] = settings.SendAlerts ? "true" : "false",
            [NotificationField.HealthAlerts] = settings.HealthAlerts ? "true" : "false",
            [NotificationField.EmailTo] = settings.EmailTo.Trim(),
            [NotificationField.EmailCooldown] = settings.EmailCooldown.Trim(),
            [NotificationField.MqttHost] = settings.MqttHost.Trim(),
            [NotificationField.MqttPort] = settings.MqttPort.Trim(),
            [NotificationField.MqttUserName] = settings.MqttUserName,
            [NotificationField.MqttPassword] = settings.MqttPassword,
            [NotificationField.MqttTls] = settings.MqttTls ? "true" : "false",
            [NotificationField.MqttTopicPrefix] = settings.MqttTopicPrefix.Trim(),
            [NotificationField.MqttHomeAssistant] = settings.MqttHomeAssistant ? "true" : "false",
            [NotificationField.WebhookUrl] = settings.WebhookUrl.Trim(),
            [NotificationField.WebhookSecret] = settings.WebhookSecret,
        };
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var (field, value) in values)
            {
                if (configured.ContainsKey(field))
                {
                    continue;
                }

                var removed = field == NotificationField.MqttPassword && !settings.HasMqtt || field == NotificationField.WebhookSecret && !settings.HasWebhook;
                if (NotificationField.Secrets.Contains(field) && (value.Length > 0 || removed))
                {
                    if (removed)
                    {
                        await connection.ExecuteAsync("DELETE FROM setting WHERE key = @Key", new { Key = Prefix + "setting." + field }, transaction);
                        continue;
                    }

                    await SetAsync(connection, transaction, "setting." + field, Convert.ToBase64String(protector.Protect(SecretPurpose(field), value)));
                }
                else if (!NotificationField.Secrets.Contains(field))
                {
                    await SetAsync(connection, transaction, "setting." + field, value);
                }
            }

            return true;
        });
        Changed?.Invoke();
    }

    /// <summary>Each camera snoozed now, with when its snooze ends.</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> GetSnoozesAsync(DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync("SELECT key, value FROM setting WHERE key LIKE 'notifications.snooze.%'",
            r => (Camera: r.GetString(0)[SnoozePrefix.Length..], Until: DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture)));
        return rows.Where(r => r.Until > now).ToDictionary(r => r.Camera, r => r.Until, StringComparer.Ordinal);
    }

    /// <summary>Snoozes a camera's alerts until <paramref name="until"/>, or ends its snooze (null).</summary>
    public async Task SnoozeAsync(string cameraId, DateTimeOffset? until)
    {
        await using (var connection = await database.OpenAsync())
        {
            if (until is { } end)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO setting (key, value) VALUES (@Key, @Value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    new { Key = SnoozePrefix + cameraId, Value = end.ToString("O", CultureInfo.InvariantCulture) });
            }
            else
            {
                await connection.ExecuteAsync("DELETE FROM setting WHERE key = @Key", new { Key = SnoozePrefix + cameraId });
            }
        }

        Changed?.Invoke();
    }

    /// <summary>The last event change the alert dispatcher handled, or null before it first ran.</summary>
    public async Task<long?> GetCursorAsync()
    {
        await using var connection = await database.OpenAsync();
        var text = await connection.ExecuteScalarAsync<string>("SELECT value FROM setting WHERE key = @Key", new { Key = CursorKey });
        return text is null ? null : long.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>Moves the cursor on inside the transaction that queued the alerts of the changes up to it.</summary>
    public static Task SetCursorAsync(SqliteConnection connection, SqliteTransaction transaction, long sequence) =>
        SetAsync(connection, transaction, "cursor", sequence.ToString(CultureInfo.InvariantCulture));

    /// <summary>When the last email alert of a camera was queued.</summary>
    public static async Task<DateTimeOffset?> GetLastEmailAsync(SqliteConnection connection, SqliteTransaction transaction, string cameraId)
    {
        var text = await connection.ExecuteScalarAsync<string>("SELECT value FROM setting WHERE key = @Key", new { Key = LastEmailPrefix + cameraId }, transaction);
        return text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    public static Task SetLastEmailAsync(SqliteConnection connection, SqliteTransaction transaction, string cameraId, DateTimeOffset at) =>
        SetAsync(connection, transaction, "last-email." + cameraId, at.ToString("O", CultureInfo.InvariantCulture));

    private static async Task SetAsync(SqliteConnection connection, SqliteTransaction transaction, string key, string value) =>
        await connection.ExecuteAsync(
            "INSERT INTO setting (key, value) VALUES (@Key, @Value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            new { Key = Prefix + key, Value = value }, transaction);

    private static string SecretPurpose(string field) => "notification secret " + field;

    /// <summary>The fields set in configuration, which win over the console and are never saved over.</summary>
    private Dictionary<string, string> ConfiguredValues()
    {
        var o = options.CurrentValue;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [NotificationField.SendAlerts] = o.SendAlerts?.ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
            [NotificationField.HealthAlerts] = o.HealthAlerts?.ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
            [NotificationField.EmailTo] = o.Email.To,
            [NotificationField.EmailCooldown] = o.Email.Cooldown?.ToString("c", CultureInfo.InvariantCulture),
            [NotificationField.MqttHost] = o.Mqtt.Host,
            [NotificationField.MqttPort] = o.Mqtt.Port?.ToString(CultureInfo.InvariantCulture),
            [NotificationField.MqttUserName] = o.Mqtt.UserName,
            [NotificationField.MqttPassword] = o.Mqtt.Password,
            [NotificationField.MqttTls] = o.Mqtt.Tls?.ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
            [NotificationField.MqttCaFile] = o.Mqtt.CaFile,
            [NotificationField.MqttTopicPrefix] = o.Mqtt.TopicPrefix,
            [NotificationField.MqttHomeAssistant] = o.Mqtt.HomeAssistant?.ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
            [NotificationField.WebhookUrl] = o.Webhook.Url,
            [NotificationField.WebhookSecret] = o.Webhook.Secret,
        };
        return values.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
    }
}
