using Microsoft.Extensions.Options;
using MimeKit;

namespace Nightjar.Recorder.Mail;

public sealed class MailOptionsValidator : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        var failures = new List<string>();
        // The embedded default is one valid address (OptionsValidationTests); parsing it here would load the mail
        // library at every start of a recorder that sends no mail yet (docs/PERFORMANCE.md, "Idle memory").
        if (options.From != MailOptions.DefaultFrom && !IsOneMailbox(options.From))
        {
            failures.Add($"Nightjar:Mail:From must be one address such as 'Nightjar Recorder <recorder@example.com>' (got '{options.From}').");
        }

        var smtp = options.Smtp;
        var relay = new RelaySettings(
            smtp.Host ?? "",
            smtp.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            smtp.Security ?? SmtpSecurity.Auto,
            smtp.Username ?? "",
            smtp.Password ?? "");
        foreach (var (field, message) in MailRelaySettingsStore.Validate(relay))
        {
            var key = field switch
            {
                RelayField.Host => "Host",
                RelayField.Port => "Port",
                RelayField.Security => "Security",
                RelayField.Username => "Username",
                _ => "Password",
            };
            failures.Add($"Nightjar:Mail:Smtp:{key}: {message}");
        }

        var dkim = options.Dkim;
        var dkimParts = new[] { dkim.Domain, dkim.Selector, dkim.PrivateKeyFile }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (dkimParts is > 0 and < 3)
        {
            failures.Add("Nightjar:Mail:Dkim needs Domain, Selector and PrivateKeyFile together (or none of them).");
        }
        else if (dkim.IsConfigured && !File.Exists(dkim.PrivateKeyFile))
        {
            failures.Add($"Nightjar:Mail:Dkim:PrivateKeyFile: no such file '{dkim.PrivateKeyFile}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOneMailbox(string value) =>
        !value.Any(char.IsControl) && MailboxAddress.TryParse(value, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal);
}
