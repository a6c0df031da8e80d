using MimeKit;
using Nightjar.Recorder.Security;

namespace Nightjar.Recorder.Recovery;

/// <summary>The address that receives Secure Codes. It ends up in a mail header, so it is checked strictly.</summary>
public static class RecoveryEmail
{
    /// <summary>RFC 5321's limit on a forward path.</summary>
    public const int MaxLength = 254;

    private static readonly ParserOptions Strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
    };

    /// <summary>Returns a message for the person, or null when <paramref name="address"/> is a single plain address (or empty: no email recovery).</summary>
    public static string? Validate(string? address)
    {
        var trimmed = address?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (trimmed.Length > MaxLength)
        {
            return $"Use at most {MaxLength} characters.";
        }

        if (TypedText.HasHiddenCharacters(trimmed))
        {
            return "Line breaks, control and invisible characters are not allowed.";
        }

        if (!MailboxAddress.TryParse(Strict, trimmed, out var mailbox)
            || !string.IsNullOrEmpty(mailbox.Name)
            || mailbox.Route.Count > 0
            || !string.Equals(mailbox.Address, trimmed, StringComparison.Ordinal)
            || !mailbox.Domain.Contains('.', StringComparison.Ordinal))
        {
            return "Enter one email address, such as name@example.com.";
        }

        return null;
    }

    /// <summary><c>jane@example.com</c> → <c>j•••@example.com</c>: enough for the owner to recognise, too little to harvest.</summary>
    public static string Mask(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 ? "•••" : string.Concat(address.AsSpan(0, 1), "•••", address.AsSpan(at));
    }
}
