using System.Text.RegularExpressions;
using MimeKit;

namespace Nightjar.TestSupport;

/// <summary>Reads a Secure Code (<c>K7Q2-9MZD</c>) the way the owner does: off the Reset Password email or the code file.</summary>
public static partial class SecureCodeText
{
    [GeneratedRegex("[0-9A-Z]{4}-[0-9A-Z]{4}")]
    private static partial Regex Pattern();

    public static string In(string text) =>
        Pattern().Match(text) is { Success: true } match ? match.Value : throw new InvalidOperationException("No Secure Code in the text.");

    public static string In(MimeMessage message) => In(message.TextBody ?? "");
}
