using System.Security.Claims;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.Console;

/// <summary>
/// The box's own screen: its launcher posts the kiosk secret once to <c>POST /console/kiosk</c> (a form field, never
/// a URL, so it is in no history, log or argument list) and gets the kiosk cookie; every console request that carries
/// the cookie is marked as the screen's, for the live view to read.
/// </summary>
public static class KioskBrowser
{
    public const string Path = "/console/kiosk";
    public const string SecretField = "secret";

    /// <summary>
    /// A claim on a marked request's user, in an identity of its own that is not authenticated: it never passes a
    /// login policy, and the Blazor circuit (whose user is its connection's) sees it as the prerender does.
    /// </summary>
    public const string Claim = "nightjar:kiosk";

    /// <summary>
    /// The answer either way: a page that goes on to the live view. A meta refresh rather than a redirect, because
    /// the post came from the launcher's local page (another site), and a browser does not send a SameSite=Strict
    /// cookie on a redirect that follows another site's post; the refresh is this site's own navigation.
    /// </summary>
    private const string OnToTheLiveView =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=/\"><title>Nightjar</title></head><body></body></html>";

    public static bool IsKiosk(ClaimsPrincipal? user) => user?.HasClaim(Claim, "true") == true;

    /// <summary>Marks console requests that carry the kiosk cookie (after authentication, which sets the user).</summary>
    public static IApplicationBuilder UseKioskMark(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (ListenerRouting.ListenerOf(context) == Listener.Console && context.RequestServices.GetRequiredService<KioskSecret>().Admits(context.Request))
            {
                context.User.AddIdentity(new ClaimsIdentity([new Claim(Claim, "true")]));
            }

            return next(context);
        });

    public static IEndpointRouteBuilder MapKiosk(this IEndpointRouteBuilder endpoints)
    {
        // No antiforgery token: the launcher's page has none to send, and the secret proves more than a token would.
        // ConsoleOrigin lets this one route be posted from the launcher's file:// page (Origin: null).
        endpoints.MapPost(Path, ExchangeAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext context, KioskSecret kiosk, AuditLog audit, TimeProvider clock, ILoggerFactory loggers)
    {
        var presented = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync()).TryGetValue(SecretField, out var field) ? field.ToString() : null : null;
        context.Response.Headers.CacheControl = "no-store";
        if (kiosk.Matches(presented))
        {
            context.Response.Cookies.Append(KioskSecret.CookieName, kiosk.CookieValue, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
                // A session cookie: it ends with the browser, and the launcher hands the secret again at every start.
            });
            await audit.WriteAsync(AuditEvent.KioskAdmitted, "The screen's browser showed the kiosk secret: live video while locked.");
            return Results.Content(OnToTheLiveView, "text/html; charset=utf-8");
        }

        context.Response.Cookies.Delete(KioskSecret.CookieName);
        if (kiosk.CountRefusal(clock.GetUtcNow()) is { } refused)
        {
            // Never the value that was given: a near miss or a pasted password is still a secret.
            var detail = refused == 1 ? "A wrong kiosk secret was refused." : $"{refused} wrong kiosk secrets were refused since the last entry.";
            loggers.CreateLogger(typeof(KioskBrowser)).LogWarning("{Detail}", detail);
            await audit.WriteAsync(AuditEvent.KioskSecretRefused, detail);
        }

        return Results.Content(OnToTheLiveView, "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }
}
