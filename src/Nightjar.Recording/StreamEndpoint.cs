using System.Text;

namespace Nightjar.Recording;

/// <summary>
/// Where a stream comes from: an <c>rtsp://</c> or <c>rtsps://</c> URL without credentials, and the credentials
/// apart from it, so that no URL that is shown, logged or stored carries a password.
/// </summary>
public sealed record StreamEndpoint(Uri Url, string UserName, string Password)
{
    /// <summary>The URL ffmpeg is given: the credentials percent-encoded into it. Never log or show this.</summary>
    internal string UrlWithCredentials()
    {
        if (UserName.Length == 0 && Password.Length == 0)
        {
            return Url.AbsoluteUri;
        }

        var builder = new StringBuilder(Url.Scheme).Append("://")
            .Append(Uri.EscapeDataString(UserName));
        if (Password.Length > 0)
        {
            builder.Append(':').Append(Uri.EscapeDataString(Password));
        }

        return builder.Append('@').Append(Url.Authority).Append(Url.PathAndQuery).ToString();
    }

    /// <summary>Never prints the password.</summary>
    public override string ToString() => Url.AbsoluteUri;
}
