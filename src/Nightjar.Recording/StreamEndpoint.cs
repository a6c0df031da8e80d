using System.Text;

namespace Nightjar.Recording;

/// <summary>
/// Where a stream comes from: an <c>rtsp://</c> or <c>rtsps://</c> URL without credentials (a credential parameter in its
/// query is there with an empty value), and the credentials apart from it, so that no URL that is shown, logged or
/// stored carries a password.
/// </summary>
public sealed record StreamEndpoint(Uri Url, string UserName, string Password)
{
    /// <summary>
    /// The URL ffmpeg is given: the credentials percent-encoded into it, before the host and into the query's credential
    /// parameters (<see cref="QueryCredentials"/>). Never log or show this.
    /// </summary>
    internal string UrlWithCredentials()
    {
        var userInfo = new StringBuilder();
        if (UserName.Length > 0 || Password.Length > 0)
        {
            userInfo.Append(Uri.EscapeDataString(UserName));
            if (Password.Length > 0)
            {
                userInfo.Append(':').Append(Uri.EscapeDataString(Password));
            }

            userInfo.Append('@');
        }

        return $"{Url.Scheme}://{userInfo}{Url.Authority}{Url.AbsolutePath}{QueryCredentials.Fill(Url.Query, UserName, Password)}";
    }

    /// <summary>Never prints the password.</summary>
    public override string ToString() => Url.AbsoluteUri;
}
