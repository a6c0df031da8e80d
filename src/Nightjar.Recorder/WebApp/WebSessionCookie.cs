namespace Nightjar.Recorder.WebApp;

/// <summary>
/// The web app's session: a cookie holding an app token (so a password change, Revoke on Settings → Mobile App and Log
/// Out end it like any app's), <c>Secure; HttpOnly; SameSite=Strict</c> under a <c>__Host-</c> name (this host only,
/// path /). Against cross-site requests besides SameSite: a request that changes something must carry the web app's
/// own header (which a page of another site cannot send without the recorder's CORS consent, never given) and this
/// host as its <c>Origin</c>; a WebSocket, which carries no header of a page's choosing, must carry the Origin.
/// </summary>
public static class WebSessionCookie
{
    public const string Name = "__Host-nightjar-session";

    /// <summary>The web app's remembered device cookie (<see cref="Pairing.DeviceCookies"/>): its own wrong-password allowance.</summary>
    public const string DeviceName = "__Host-nightjar-device";

    /// <summary>The header the web app's script sends with every request that changes something.</summary>
    public const string RequestHeader = "X-Nightjar-Web";

    /// <summary>A phone stays signed in, as in any camera app, until Log Out, a password change or Revoke.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    private const int MaxValueLength = 256;

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var value) && value is { Length: > 0 and <= MaxValueLength } ? value : null;

    public static string? ReadDevice(HttpRequest request) =>
        request.Cookies.TryGetValue(DeviceName, out var value) && value is { Length: > 0 and <= MaxValueLength } ? value : null;

    /// <summary>Reading is free; a change or a socket must come from the web app's own page on this host.</summary>
    public static bool IsFromOwnPage(HttpRequest request)
    {
        var socket = request.HttpContext.WebSockets.IsWebSocketRequest;
        if (!socket && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            return true;
        }

        var sameOrigin = string.Equals(request.Headers.Origin.ToString(), "https://" + request.Host.Value, StringComparison.OrdinalIgnoreCase);
        return sameOrigin && (socket || request.Headers[RequestHeader].ToString() == "1");
    }

    public static void Append(HttpResponse response, string token, string deviceCookie)
    {
        response.Cookies.Append(Name, token, Options(Lifetime));
        response.Cookies.Append(DeviceName, deviceCookie, Options(TimeSpan.FromDays(400)));
    }

    public static void Delete(HttpResponse response) => response.Cookies.Delete(Name, Options(TimeSpan.Zero));

    private static CookieOptions Options(TimeSpan lifetime) => new()
    {
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        MaxAge = lifetime == TimeSpan.Zero ? null : lifetime,
        IsEssential = true,
    };
}
