using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.WebApp;

/// <summary>
/// The web app's static files (wwwroot/app, and the console's own live and playback players, shared) on the API
/// listener: its page at <c>/</c>, which on the console listener is the console's. Every answer there carries a
/// Content Security Policy with no inline script and no framing, so an injected camera name could neither run nor be
/// framed.
/// </summary>
public static class WebAppFiles
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
        + "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string Page = "/app/index.html";

    /// <summary>The paths of the web app's files, which the API listener serves besides <c>/api</c> and <c>/healthz</c>.</summary>
    public static bool Serves(PathString path) =>
        path == "/" || path.StartsWithSegments("/app", StringComparison.Ordinal) || path == "/live.js" || path == "/playback.js";

    /// <summary>Before routing: <c>/</c> on the API listener is the web app's page.</summary>
    public static IApplicationBuilder UseWebAppPage(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path == "/" && ListenerRouting.ListenerOf(context) == Listener.Api)
        {
            context.Request.Path = Page;
        }

        return next(context);
    });
}
