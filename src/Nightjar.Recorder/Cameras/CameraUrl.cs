using Nightjar.Recorder.Security;
using Nightjar.Recording;

namespace Nightjar.Recorder.Cameras;

/// <summary>
/// What a camera stream URL may be: <c>rtsp://</c> or <c>rtsps://</c>, a host, an optional port, a path and query, in
/// plain RFC 3986 characters, at most <see cref="MaxLength"/> long. Everything else (<c>file:</c>, <c>concat:</c>,
/// pipes, spaces, line breaks, shell characters that are not URL characters) is refused with a message. Credentials
/// typed into the URL, before the host or in the query (<see cref="QueryCredentials"/>), are taken out, so that no
/// stored, shown or logged URL carries a password.
/// </summary>
public static class CameraUrl
{
    public const int MaxLength = 1024;

    /// <summary>RFC 3986 unreserved and reserved characters, and '%' for percent-encoding; '#' is left out on purpose.</summary>
    private const string Allowed = "-._~:/?[]@!$&'()*+,;=%";

    public readonly record struct Parsed(Uri Url, string? UserName, string? Password);

    /// <summary>
    /// Said under an <c>rtsps://</c> Stream URL and after its Test. Debian's ffmpeg (5.1) cannot check the certificate of
    /// an RTSPS camera: its RTSP reader opens the TLS connection without the options (<c>tls_verify</c>,
    /// <c>ca_file</c>) given on the command line, so it accepts any certificate. rtsps:// keeps the stream and the
    /// password from being read on the wire, but not from a device that poses as the camera.
    /// </summary>
    public const string CertificateNotChecked =
        "The camera's certificate is not checked: rtsps:// hides the video and the password on the network, but does not prove that the other end is this camera. Keep the cameras on a network that only they and the recorder use.";

    /// <summary>Whether <see cref="CertificateNotChecked"/> applies to this URL as typed: an <c>rtsps://</c> one.</summary>
    public static bool CertificateIsNotChecked(string? text) =>
        text?.Trim().StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Reads a URL as typed or pasted (surrounding spaces and line breaks are dropped). Returns the message for the
    /// person, or null with <paramref name="parsed"/> set: the URL without credentials, and the credentials it held.
    /// </summary>
    public static string? Check(string? text, out Parsed parsed)
    {
        parsed = default;
        var url = text?.Trim() ?? "";
        if (url.Length == 0)
        {
            return "Enter the camera's stream URL, such as rtsp://192.168.1.64:554/stream1.";
        }

        if (url.Length > MaxLength)
        {
            return $"Use at most {MaxLength} characters.";
        }

        if (TypedText.HasHiddenCharacters(url) || url.Any(char.IsWhiteSpace))
        {
            return "A URL cannot contain spaces, line breaks, control or invisible characters.";
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : url[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("rtsp" or "rtsps"))
        {
            return "Only rtsp:// and rtsps:// stream URLs can be recorded.";
        }

        if (url.Contains('#', StringComparison.Ordinal))
        {
            return "A stream URL cannot contain '#'. If it is part of the password, type the password in the Password field.";
        }

        if (!url.All(c => char.IsAsciiLetterOrDigit(c) || Allowed.Contains(c, StringComparison.Ordinal)) || !PercentEncodingIsWhole(url))
        {
            return "The URL holds characters a URL cannot (such as < > \" { } | \\ ^ ` or letters outside ASCII). Percent-encode them, or copy the URL from the camera's manual.";
        }

        if (HasEncodedControlCharacter(url))
        {
            return "The URL holds an encoded line break or control character (such as %0A), which no camera URL needs.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.HostNameType is UriHostNameType.Unknown or UriHostNameType.Basic || uri.Host.Length == 0)
        {
            return "Enter the camera's address after rtsp://, such as rtsp://192.168.1.64/stream1.";
        }

        if (uri.Port is 0)
        {
            return "Enter a port number from 1 to 65535.";
        }

        // An empty user name or password (rtsp://admin:@host) is no value: the field's stays.
        var (users, passwords) = QueryCredentials.Read(uri.Query);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            users = [Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]), .. users];
            passwords = [colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]), .. passwords];
        }

        users = [.. users.Where(u => u.Length > 0)];
        passwords = [.. passwords.Where(p => p.Length > 0)];
        if (users.Distinct(StringComparer.Ordinal).Count() > 1 || passwords.Distinct(StringComparer.Ordinal).Count() > 1)
        {
            return "The URL holds two different user names or passwords. Type them once, in the fields below.";
        }

        var (user, password) = (users.Count > 0 ? users[0] : null, passwords.Count > 0 ? passwords[0] : null);
        if ((user is not null && TypedText.HasHiddenCharacters(user)) || (password is not null && TypedText.HasHiddenCharacters(password)))
        {
            return "The user name or password in the URL holds control or invisible characters.";
        }

        // Scheme, host, port, path and query: everything but the credentials. A credential parameter of the query stays,
        // empty, so that the URL still says where the camera takes it (StreamEndpoint fills it in for ffmpeg alone).
        var withoutCredentials = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            + QueryCredentials.WithoutValues(uri.Query);
        parsed = new Parsed(new Uri(withoutCredentials), user, password);
        return null;
    }

    /// <summary>
    /// Whether a saved password may go to <paramref name="url"/>: only when one of the URLs it was entered with has the
    /// same scheme, host and port (the camera's default port when none is written). Another host could be any machine
    /// the editor chose, and rtsps to rtsp would send it unencrypted.
    /// </summary>
    public static bool SameAddress(Uri url, IEnumerable<Uri> enteredWith) => enteredWith.Any(saved =>
        string.Equals(saved.Scheme, url.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(saved.IdnHost, url.IdnHost, StringComparison.OrdinalIgnoreCase)
        && PortOf(saved) == PortOf(url));

    private static int PortOf(Uri url) =>
        url.Port > 0 ? url.Port : string.Equals(url.Scheme, "rtsps", StringComparison.OrdinalIgnoreCase) ? 322 : 554;

    /// <summary>%00–%1F and %7F: an RTSP request line or header that carried one decoded would be split in two.</summary>
    private static bool HasEncodedControlCharacter(string url)
    {
        for (var i = url.IndexOf('%', StringComparison.Ordinal); i >= 0 && i + 2 < url.Length; i = url.IndexOf('%', i + 1))
        {
            if (url[i + 1] is '0' or '1' || (url[i + 1] == '7' && url[i + 2] is 'f' or 'F'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool PercentEncodingIsWhole(string url)
    {
        for (var i = url.IndexOf('%', StringComparison.Ordinal); i >= 0; i = url.IndexOf('%', i + 1))
        {
            if (i + 2 >= url.Length || !char.IsAsciiHexDigit(url[i + 1]) || !char.IsAsciiHexDigit(url[i + 2]))
            {
                return false;
            }
        }

        return true;
    }
}
