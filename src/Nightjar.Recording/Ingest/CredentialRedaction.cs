using System.Text.RegularExpressions;

namespace Nightjar.Recording.Ingest;

/// <summary>ffmpeg prints the URL it was given, credentials and all (before the host and in the query): every line it writes passes through here first.</summary>
internal static partial class CredentialRedaction
{
    public static string Redact(string line, StreamEndpoint endpoint)
    {
        var redacted = QueryCredentials.Redact(UserInfo().Replace(line, "$1***@"));
        if (endpoint.Password.Length >= 3)
        {
            redacted = redacted.Replace(endpoint.Password, "***", StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(endpoint.Password), "***", StringComparison.Ordinal)
                .Replace(QueryCredentials.EscapeValue(endpoint.Password), "***", StringComparison.Ordinal);
        }

        return redacted;
    }

    [GeneratedRegex(@"(rtsps?://)[^/@\s]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();
}
