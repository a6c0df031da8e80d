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
/// never counts toward the wrong-password limit.
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

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        switch (await tokens.CheckAsync(header["Bearer ".Length..].Trim()))
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
