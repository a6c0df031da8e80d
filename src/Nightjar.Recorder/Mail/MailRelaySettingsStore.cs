using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Security;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Mail;

/// <summary>Saves the relay settings typed in the console and merges them under the ones from configuration.</summary>
public sealed class MailRelaySettingsStore(Database database, IOptionsMonitor<MailOptions> options)
{
    private const int MaxHostLength = 253;
    private const int MaxCredentialLength = 256;

    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        [RelayField.Host] = "mail.smtp.host",
        [RelayField.Port] = "mail.smtp.port",
        [RelayField.Security] = "mail.smtp.security",
        [RelayField.Username] = "mail.smtp.username",
        [RelayField.Password] = "mail.smtp.password",
    };

    public async Task<EffectiveRelaySettings> GetEffectiveAsync()
    {
        await using var connection = await database.OpenAsync();
        var saved = (await connection.QueryAsync("SELECT key, value FROM setting WHERE key LIKE 'mail.smtp.%'", r => (Key: r.GetString(0), Value: r.GetString(1))))
            .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        var configured = ConfiguredValues();
        string Pick(string field) => configured.GetValueOrDefault(field) ?? saved.GetValueOrDefault(Keys[field], "");

        var settings = new RelaySettings(
            Pick(RelayField.Host),
            Pick(RelayField.Port),
            Enum.TryParse<SmtpSecurity>(Pick(RelayField.Security), out var parsed) ? parsed : SmtpSecurity.Auto,
            Pick(RelayField.Username),
            Pick(RelayField.Password));
        return new EffectiveRelaySettings(settings, configured.Keys.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The relay fields set in configuration, which win over the console and are never saved over.</summary>
    private Dictionary<string, string> ConfiguredValues()
    {
        var smtp = options.CurrentValue.Smtp;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [RelayField.Host] = smtp.Host,
            [RelayField.Port] = smtp.Port?.ToString(CultureInfo.InvariantCulture),
            [RelayField.Security] = smtp.Security?.ToString(),
            [RelayField.Username] = smtp.Username,
            [RelayField.Password] = smtp.Password,
        };
        return values.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
    }

    /// <summary>Checks each field; returns a message per field that is wrong, keyed by <see cref="RelayField"/>.</summary>
    public static Dictionary<string, string> Validate(RelaySettings settings)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var host = settings.Host.Trim();
        if (host.Length > MaxHostLength)
        {
            errors[RelayField.Host] = $"Use at most {MaxHostLength} characters.";
        }
        else if (host.Length > 0 && (TypedText.HasHiddenCharacters(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown))
        {
            errors[RelayField.Host] = "Enter a host name such as smtp.example.com, or an IP address.";
        }

        var port = settings.Port.Trim();
        if (port.Length > 0 && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535))
        {
            errors[RelayField.Port] = "Enter a port number from 1 to 65535, for example 587.";
        }

        if (!Enum.IsDefined(settings.Security))
        {
            errors[RelayField.Security] = "Choose Auto, None, StartTls or SslOnConnect.";
        }

        CheckCredential(RelayField.Username, settings.Username, errors);
        CheckCredential(RelayField.Password, settings.Password, errors);
        if (host.Length == 0 && (settings.Username.Length > 0 || settings.Password.Length > 0))
        {
            errors[RelayField.Host] = "Enter the mail server that the user name and password are for.";
        }

        return errors;
    }

    private static void CheckCredential(string field, string value, Dictionary<string, string> errors)
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

    /// <summary>Saves validated settings inside the caller's transaction. Fields set in configuration are left alone.</summary>
    public async Task SaveAsync(SqliteConnection connection, SqliteTransaction transaction, RelaySettings settings)
    {
        var configured = ConfiguredValues();
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RelayField.Host] = settings.Host.Trim(),
            [RelayField.Port] = settings.Port.Trim(),
            [RelayField.Security] = settings.Security.ToString(),
            [RelayField.Username] = settings.Username,
            [RelayField.Password] = settings.Password,
        };
        foreach (var (field, value) in values)
        {
            if (configured.ContainsKey(field))
            {
                continue;
            }

            await connection.ExecuteAsync(
                "INSERT INTO setting (key, value) VALUES (@Key, @Value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                new { Key = Keys[field], Value = value },
                transaction);
        }
    }
}
