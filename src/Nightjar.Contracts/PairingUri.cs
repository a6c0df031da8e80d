using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Nightjar.Contracts;

/// <summary>
/// <c>nightjar://pair?id=NJ-7F3K-Q9D2&amp;host=192.168.1.20:8443&amp;fp=sha256:&lt;64 hex&gt;</c>: what the console's QR
/// code holds. The fingerprint is the SHA-256 of the recorder's certificate; an app pins it, which is what stops a
/// man in the middle on the LAN. Parsing is strict: anything unexpected is refused with a reason.
/// </summary>
public sealed partial record PairingUri(string DeviceId, string Host, int Port, string Sha256Fingerprint)
{
    public const string Scheme = "nightjar";
    private const int MaxLength = 512;

    [GeneratedRegex("^NJ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex FingerprintPattern();

    /// <summary><c>host:port</c>, with IPv6 addresses in brackets.</summary>
    public string Authority => (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    public override string ToString() =>
        $"{Scheme}://pair?id={DeviceId}&host={Authority}&fp=sha256:{Sha256Fingerprint}";

    /// <summary>Parses a pairing URI. On failure <paramref name="error"/> says what is wrong, in words for the person pairing.</summary>
    public static bool TryParse(string? text, out PairingUri? pairing, out string error)
    {
        pairing = null;
        error = Check(text, out var parsed) ?? "";
        pairing = parsed;
        return pairing is not null;
    }

    private static string? Check(string? text, out PairingUri? pairing)
    {
        pairing = null;
        text = text?.Trim(); // what a paste brings along: spaces, a line break
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || text.Any(char.IsControl))
        {
            return "Not a pairing URI: expected nightjar://pair?id=…&host=…&fp=sha256:…";
        }

        const string prefix = Scheme + "://pair?";
        if (!text.StartsWith(prefix, StringComparison.Ordinal))
        {
            return "Not a pairing URI: it must start with nightjar://pair?";
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text[prefix.Length..].Split('&'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !values.TryAdd(part[..equals], Uri.UnescapeDataString(part[(equals + 1)..])))
            {
                return $"The pairing URI has a malformed or repeated part: '{part}'.";
            }
        }

        if (values.Count != 3 || !values.TryGetValue("id", out var id) || !values.TryGetValue("host", out var authority) || !values.TryGetValue("fp", out var fp))
        {
            return "The pairing URI must have exactly id, host and fp.";
        }

        if (!DeviceIdPattern().IsMatch(id))
        {
            return $"The device id '{id}' is not a Nightjar device id (NJ-XXXX-XXXX).";
        }

        if (!TryReadFingerprint(fp, out var fingerprint))
        {
            return "The certificate fingerprint must be sha256: followed by 64 hex digits (upper or lower case, pairs may be separated by colons).";
        }

        if (!TrySplitAuthority(authority, out var host, out var port))
        {
            return $"The host '{authority}' must be a host name or IP address with a port, such as 192.168.1.20:8443.";
        }

        pairing = new PairingUri(id, host, port, fingerprint);
        return null;
    }

    /// <summary>
    /// The SHA-256 fingerprint in lower-case hex from any unambiguous spelling: with or without <c>sha256:</c> (any
    /// case), upper or lower case, pairs separated by colons (as browsers and openssl show it). Another algorithm's
    /// name or a wrong length is refused.
    /// </summary>
    private static bool TryReadFingerprint(string fp, out string fingerprint)
    {
        fingerprint = "";
        var text = fp.Trim();
        if (text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            text = text["sha256:".Length..].Trim();
        }
        else if (text.Contains(':', StringComparison.Ordinal) && text.IndexOf(':', StringComparison.Ordinal) != 2)
        {
            return false; // sha1:…, md5:…
        }

        var pairs = text.Split(':');
        if (pairs.Length == 32 && pairs.All(p => p.Length == 2))
        {
            text = string.Concat(pairs);
        }

        text = text.ToLowerInvariant();
        if (!FingerprintPattern().IsMatch(text))
        {
            return false;
        }

        fingerprint = text;
        return true;
    }

    private static bool TrySplitAuthority(string authority, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = authority[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            return IPAddress.TryParse(host, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        return !host.Contains(':', StringComparison.Ordinal) && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }
}
