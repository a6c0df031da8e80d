using System.Globalization;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Pairing;

namespace Nightjar.Recorder.WebApp;

/// <summary>
/// "Log In" and "Log Out" of the web app: <c>POST /api/v1/web/session</c> proves the password under the API's limits
/// (<see cref="AppSignIn"/>) and sets the session cookie; <c>DELETE</c> revokes its token and clears the cookie.
/// </summary>
public static class WebSessionEndpoints
{
    public static IEndpointRouteBuilder MapWebSession(this IEndpointRouteBuilder endpoints)
    {
        var session = endpoints.MapGroup("/api/v1/web/session").DisableAntiforgery();
        session.MapPost("", LogInAsync).WithName("WebLogIn")
            .WithDescription("The web app's Log In: sets the session cookie (Secure, HttpOnly, SameSite=Strict). Needs the header X-Nightjar-Web: 1 and this host as Origin.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests);
        session.MapDelete("", LogOutAsync).WithName("WebLogOut").RequireAuthorization(AppTokenAuthenticationHandler.Policy)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status401Unauthorized);
        return endpoints;
    }

    private static async Task<IResult> LogInAsync(HttpContext context, WebSessionRequest? request, AppSignIn signIn)
    {
        // Also a login must come from the web app's own page, or another site could sign a visitor in as someone.
        if (!WebSessionCookie.IsFromOwnPage(context.Request))
        {
            return AppSignIn.Problem(StatusCodes.Status403Forbidden, ProblemTypes.CrossSiteRequest, "Refused: this request did not come from the web app's own page.");
        }

        if (request?.UserName is not { Length: > 0 and <= AdminAccount.MaxInputLength } || request.Password is not { Length: > 0 and <= AdminAccount.MaxInputLength })
        {
            return AppSignIn.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest,
                $"Type the user name and the password (at most {AdminAccount.MaxInputLength} characters each).");
        }

        var outcome = await signIn.TryAsync(context, request.UserName, request.Password, ClientName(context.Request), WebSessionCookie.ReadDevice(context.Request));
        if (outcome.Refusal is not null)
        {
            return outcome.Refusal;
        }

        WebSessionCookie.Append(context.Response, outcome.Token!, outcome.DeviceCookie!);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> LogOutAsync(HttpContext context, AppTokens tokens, AuditLog audit)
    {
        await tokens.RevokeAsync(long.Parse(context.User.FindFirst(AppTokenAuthenticationHandler.TokenIdClaim)!.Value, CultureInfo.InvariantCulture));
        await audit.WriteAsync(AuditEvent.AppSignedOut, $"\"{context.User.Identity?.Name}\" logged out from {context.Connection.RemoteIpAddress}.");
        WebSessionCookie.Delete(context.Response);
        return TypedResults.NoContent();
    }

    /// <summary>How the session is listed on Settings → Mobile App: a browser on a kind of device, from a fixed list.</summary>
    private static string ClientName(HttpRequest request)
    {
        var agent = request.Headers.UserAgent.ToString();
        string[] kinds = ["iPhone", "iPad", "Android", "Windows", "Mac OS", "CrOS", "Linux"];
        var kind = kinds.FirstOrDefault(k => agent.Contains(k, StringComparison.Ordinal));
        return kind is null ? "Web browser" : $"Web browser ({(kind == "Mac OS" ? "Mac" : kind == "CrOS" ? "Chromebook" : kind)})";
    }
}
