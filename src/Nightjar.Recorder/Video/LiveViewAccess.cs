using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Console;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Who may watch live video on the console listener: an unlocked console, or, when
/// <c>Nightjar:Console:LiveViewWhileLocked</c> is on, the box's own screen while it is locked: a request with the
/// kiosk cookie (<see cref="KioskSecret"/>), not any program on the box that can reach the loopback listener.
/// </summary>
public sealed class LiveViewAccess : IAuthorizationRequirement
{
    public const string Policy = "console-live";

    public sealed class Handler(CredentialEpoch epoch, IOptionsMonitor<ConsoleOptions> options, KioskSecret kiosk, IHttpContextAccessor http)
        : AuthorizationHandler<LiveViewAccess>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, LiveViewAccess requirement)
        {
            var onTheBox = http.HttpContext is { } request && ListenerRouting.ListenerOf(request) == Listener.Console;
            if (onTheBox && (CurrentCredentialEpoch.IsCurrent(context.User, epoch.Current)
                || (options.CurrentValue.LiveViewWhileLocked && kiosk.Admits(http.HttpContext!.Request))))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
