using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;

namespace Nightjar.Recorder.Pairing;

/// <summary>
/// The companion app's bearer tokens as an ASP.NET Core authentication scheme, so that every API route is guarded
/// by <c>RequireAuthorization(Policy)</c> and none can be left open by a forgotten check. A token issued before the
/// last password change is refused with problem type <c>credentials-changed</c> and the time of the change, and
/// never counts toward the wrong-password limit. The web app's session cookie stands for a token the same way; a
/// request it authorizes must come from the web app's own page (<see cref="WebApp.WebSessionCookie"/>).
/// </summary>
public sealed class AppTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AppTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AppToken";

    /// <summary>A valid app token of the current credential epoch.</summary>
    public const string Policy = "app";

    public const string TokenIdClaim = "nightjar:token";

    private const string ChangedItem = "nightjar.credentials-changed";

    private const string CrossSiteItem = "nightjar.cross-site";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        string? token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (WebApp.WebSessionCookie.Read(Request) is { } session)
        {
            if (!WebApp.WebSessionCookie.IsFromOwnPage(Request))
            {
                Context.Items[CrossSiteItem] = true;
                return AuthenticateResult.Fail("A web session's request that did not come from the web app's own page.");
            }

            token = session;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        switch (await tokens.CheckAsync(token))
        {
            case TokenCheck.Valid valid:
                var identity = new ClaimsIdentity(
                    [
                        new Claim(ClaimTypes.Name, valid.ClientName),
                        new Claim(TokenIdClaim, valid.TokenId.ToString(CultureInfo.InvariantCulture)),
                        new Claim(ConsoleSession.EpochClaim, valid.Epoch.ToString(CultureInfo.InvariantCulture)),
                    ],
                    SchemeName);
                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
            case TokenCheck.CredentialsChanged changed:
                Context.Items[ChangedItem] = changed.ChangedUtc;
                return AuthenticateResult.Fail("The token was issued before the password changed.");
            default:
                return AuthenticateResult.Fail("Unknown, revoked or signed-out token.");
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(CrossSiteItem))
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, type: ProblemTypes.CrossSiteRequest,
                detail: "Refused: this request did not come from the web app's own page.").ExecuteAsync(Context);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var problem = Context.Items[ChangedItem] is DateTimeOffset changedUtc
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Type = ProblemTypes.CredentialsChanged,
                Title = "Password changed",
                Status = StatusCodes.Status401Unauthorized,
                Detail = $"The recorder's password was changed at {changedUtc.ToString("u", CultureInfo.InvariantCulture)}. Sign in again with the new password.",
                Extensions = { [ProblemTypes.ChangedAtMember] = changedUtc },
            }
            : new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Type = ProblemTypes.InvalidToken,
                Status = StatusCodes.Status401Unauthorized,
                Detail = "Sign in first.",
            };
        Response.Headers.WWWAuthenticate = problem.Type == ProblemTypes.CredentialsChanged ? "Bearer error=\"invalid_token\"" : "Bearer";
        await Results.Problem(problem).ExecuteAsync(Context);
    }
}
