using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;
using Nightjar.Recorder.Console;

namespace Nightjar.Recorder.Accounts;

/// <summary>
/// Console sessions: an HttpOnly, SameSite=Strict cookie holding the credential epoch it was issued in. Login and
/// logout are ordinary form posts with an antiforgery token, so the browser stores the cookie itself and no
/// script ever sees it.
/// </summary>
public static class ConsoleSession
{
    public const string CookieName = "nightjar.console";

    /// <summary>An unlocked console: a session cookie of the current credential epoch.</summary>
    public const string Policy = "console";
    public const string EpochClaim = "nightjar:epoch";

    /// <summary>The <see cref="ConsoleLock.Window"/> a console cookie was issued in.</summary>
    public const string WindowClaim = "nightjar:window";

    /// <summary>Query value the login dialog reads after a failed post: <c>?login=failed</c>, <c>locked</c>, <c>busy</c>.</summary>
    public const string LoginQueryKey = "login";

    public static IServiceCollection AddConsoleSessions(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                // The console is plain HTTP on loopback; the cookie never leaves the box.
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = RejectOldEpochAsync;
                // No login page redirects: locked screens open the login dialog themselves.
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new CurrentCredentialEpoch()));
        services.AddCascadingAuthenticationState();
        return services;
    }

    public static IEndpointRouteBuilder MapConsoleSessions(this IEndpointRouteBuilder endpoints)
    {
        // The antiforgery middleware checks the form before the handler runs (the handler reads the form itself).
        endpoints.MapPost("/console/login", LogInAsync).WithMetadata(new RequireAntiforgeryTokenAttribute());
        endpoints.MapPost("/console/logout", LogOutAsync);
        return endpoints;
    }

    private static async Task<IResult> LogInAsync(HttpContext context, ConsoleLogin login, ConsoleLock consoleLock)
    {
        // A refused token, or a form the middleware could not read (too large, a NUL, malformed), is a 400. The form
        // is read here rather than bound as parameters: the handlers generated at build time would throw (a 500) on
        // a form that failed this check, where the ones built at run time answered 400.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return Results.BadRequest();
        }

        var form = await context.Request.ReadFormAsync();
        var target = ConsolePaths.SafeReturnPath(form["returnUrl"]);
        var outcome = await login.LoginAsync(form["userName"], form["password"]);
        if (outcome is LoginOutcome.Succeeded succeeded)
        {
            var identity = new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.Name, AdminAccount.UserName),
                    new Claim(EpochClaim, succeeded.Epoch.ToString(CultureInfo.InvariantCulture)),
                    new Claim(WindowClaim, consoleLock.Window),
                ],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.Redirect(target, permanent: false, preserveMethod: false);
        }

        var failure = outcome switch
        {
            LoginOutcome.LockedOut => "locked",
            LoginOutcome.Busy => "busy",
            LoginOutcome.NotSetUp => "setup",
            LoginOutcome.WrongCredentials wrong => "failed-" + wrong.AttemptsLeft.ToString(CultureInfo.InvariantCulture),
            _ => "failed",
        };
        return Results.Redirect(QueryHelpers.AddQueryString(target, LoginQueryKey, failure));
    }

    private static async Task<IResult> LogOutAsync(HttpContext context, Audit.AuditLog audit, ConsoleLock consoleLock, IAntiforgery antiforgery)
    {
        // Lock reads no form field, so the antiforgery check is not automatic here: a forged post must not end every session.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }

        if (context.User.Identity?.IsAuthenticated == true)
        {
            consoleLock.LockEverySession();
            await audit.WriteAsync(Audit.AuditEvent.LoggedOut, "Console locked by the user.");
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect("/");
    }

    /// <summary>No grace period: a cookie from before the last password change or the last Lock is refused on its very next request.</summary>
    private static async Task RejectOldEpochAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        if (!IsCurrent(context.Principal, services.GetRequiredService<CredentialEpoch>(), services.GetRequiredService<ConsoleLock>()))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>An unlocked console: issued in the credential epoch of now and since the last Lock.</summary>
    public static bool IsCurrent(ClaimsPrincipal? principal, CredentialEpoch epoch, ConsoleLock consoleLock) =>
        CurrentCredentialEpoch.IsCurrent(principal, epoch.Current)
        && string.Equals(principal!.FindFirst(WindowClaim)?.Value, consoleLock.Window, StringComparison.Ordinal);
}
