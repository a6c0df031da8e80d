using System.Net;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Against DNS rebinding and cross-site WebSockets: the console listener answers only requests addressed to itself
/// (<c>Host</c> a loopback name or address with the console's port), and refuses any request whose <c>Origin</c>
/// is another site, the Blazor circuit and the media sockets included. A page loaded under a name that a DNS
/// server points at 127.0.0.1 sends its own name as <c>Host</c>; a page of another site sends its <c>Origin</c>.
/// </summary>
public static class ConsoleOrigin
{
    public static IApplicationBuilder UseConsoleOriginCheck(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (ListenerRouting.ListenerOf(context) != Listener.Console)
            {
                await next(context);
                return;
            }

            var port = context.Connection.LocalPort;
            if (!IsSelf(context.Request.Host.Host, context.Request.Host.Port ?? 80, port))
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, "host-not-allowed",
                    $"The console answers only at its own address, such as http://127.0.0.1:{port}/.");
                return;
            }

            var origin = context.Request.Headers.Origin.ToString();
            // The kiosk launcher's local page posts the kiosk secret from file:// (Origin: null); that post proves
            // itself by the secret, and another site's page cannot know it.
            var kioskExchange = HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(Console.KioskBrowser.Path, StringComparison.Ordinal);
            if (origin.Length > 0 && !kioskExchange && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && IsSelf(uri.Host, uri.Port, port)))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "origin-not-allowed", "A page of another site cannot use the console.");
                return;
            }

            await next(context);
        });

    /// <summary>A loopback name or address with the console's own port.</summary>
    private static bool IsSelf(string host, int hostPort, int consolePort) =>
        hostPort == consolePort
        && (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));

    private static async Task RefuseAsync(HttpContext context, int status, string type, string detail)
    {
        context.Response.StatusCode = status;
        await Results.Problem(statusCode: status, detail: detail, type: Contracts.ProblemTypes.Base + type).ExecuteAsync(context);
    }
}
