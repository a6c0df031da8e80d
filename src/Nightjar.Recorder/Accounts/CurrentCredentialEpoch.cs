using Microsoft.AspNetCore.Authorization;

namespace Nightjar.Recorder.Accounts;

/// <summary>
/// The signed-in user (a console session or an app token) holds the credential epoch of now: nothing issued before
/// the last password change passes, on any request, with no grace period.
/// </summary>
public sealed class CurrentCredentialEpoch : IAuthorizationRequirement
{
    public sealed class Handler(CredentialEpoch epoch) : AuthorizationHandler<CurrentCredentialEpoch>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CurrentCredentialEpoch requirement)
        {
            if (IsCurrent(context.User, epoch.Current))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }

    public static bool IsCurrent(System.Security.Claims.ClaimsPrincipal? user, long current) =>
        user?.Identity?.IsAuthenticated == true
        && long.TryParse(user.FindFirst(ConsoleSession.EpochClaim)?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epoch)
        && epoch == current;
}
