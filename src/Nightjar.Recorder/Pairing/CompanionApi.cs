using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Security;

namespace Nightjar.Recorder.Pairing;

/// <summary>
/// The companion-app API on the API listener (<c>/api/v1</c>, JSON, RFC 9457 problems with stable types).
/// A password proves itself once, at <c>POST /sessions</c>; after that the app holds a bearer token.
/// </summary>
public static class CompanionApi
{
    public static IEndpointRouteBuilder MapCompanionApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/api/{documentName}/openapi.json");
        var api = endpoints.MapGroup("/api/v1").DisableAntiforgery();
        api.MapPost("/sessions", SignInAsync)
            .Produces<SessionResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        var signedIn = api.MapGroup("").RequireAuthorization(AppTokenAuthenticationHandler.Policy).ProducesProblem(StatusCodes.Status401Unauthorized);
        signedIn.MapGet("/device", GetDeviceAsync).Produces<DeviceInfo>(StatusCodes.Status200OK);
        signedIn.MapDelete("/sessions/current", SignOutAsync).Produces(StatusCodes.Status204NoContent);
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, SessionRequest? request, AdminAccount account, CredentialEpoch epoch, AppTokens tokens,
        ApiLoginThrottle throttle, DeviceCookies deviceCookies, RecorderIdentityStore devices, AuditLog audit, TimeProvider clock)
    {
        var clientName = request?.ClientName?.Trim() ?? "";
        if (clientName.Length is 0 or > AppTokens.MaxClientNameLength || TypedText.HasHiddenCharacters(clientName)
            || request?.UserName is not { Length: > 0 and <= AdminAccount.MaxInputLength }
            || request.Password is not { Length: > 0 and <= AdminAccount.MaxInputLength }
            || request.DeviceCookie is { Length: > 256 })
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest,
                $"Send userName, password and clientName (1–{AppTokens.MaxClientNameLength} characters, no line breaks).");
        }

        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var cookieId = await deviceCookies.ReadAsync(request.DeviceCookie);
        var known = cookieId is not null;
        var client = known ? "app " + cookieId : "address " + address;
        var refusal = throttle.TryBegin(client, known, out var retryAt);
        if (refusal != ApiLoginThrottle.Refusal.None)
        {
            var why = refusal == ApiLoginThrottle.Refusal.NewClients
                ? "Too many wrong passwords from apps that have not signed in here before. Apps that have can still sign in; wait, then try again."
                : known ? "Too many wrong passwords from this app. Wait, then try again."
                : "Too many wrong passwords from this address. Wait, then try again.";
            await audit.WriteAsync(AuditEvent.AppSignInLimited, $"App sign-in from {address} refused: {why}");
            return new RetryAfterResult(retryAt, Problem(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyAttempts, why));
        }

        var result = ApiLoginThrottle.Result.Wrong;
        try
        {
            switch (await account.CheckSignInAsync(request.UserName, request.Password))
            {
                case SignInCheck.Busy:
                    result = ApiLoginThrottle.Result.NotChecked;
                    return new RetryAfterResult(clock.GetUtcNow().AddSeconds(1), Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Busy, "The recorder is busy. Try again in a moment."));
                case SignInCheck.Right:
                    result = ApiLoginThrottle.Result.Right;
                    var token = await tokens.IssueAsync(clientName, epoch.Current);
                    await audit.WriteAsync(AuditEvent.AppSignedIn, $"App \"{clientName}\" signed in from {address}.");
                    var device = await devices.GetAsync();
                    return TypedResults.Created("/api/v1/sessions/current",
                        new SessionResponse(token, "Bearer", device.DeviceId, known ? request.DeviceCookie! : await deviceCookies.IssueAsync()));
                default:
                    await audit.WriteAsync(AuditEvent.AppSignInFailed, $"App \"{clientName}\" at {address}: wrong user name or password.");
                    return Problem(StatusCodes.Status401Unauthorized, ProblemTypes.WrongCredentials, "Wrong user name or password.");
            }
        }
        finally
        {
            throttle.End(client, known, result);
        }
    }

    private static async Task<Ok<DeviceInfo>> GetDeviceAsync(RecorderIdentityStore devices, BootIdentity boot, TimeProvider clock)
    {
        var device = await devices.GetAsync();
        return TypedResults.Ok(new DeviceInfo(device.DeviceId, device.Name, device.Model, device.Version, boot.BootId,
            (long)(clock.GetUtcNow() - boot.StartedUtc).TotalSeconds));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context, AppTokens tokens, AuditLog audit)
    {
        await tokens.RevokeAsync(long.Parse(context.User.FindFirst(AppTokenAuthenticationHandler.TokenIdClaim)!.Value, CultureInfo.InvariantCulture));
        await audit.WriteAsync(AuditEvent.AppSignedOut, $"An app signed out from {context.Connection.RemoteIpAddress}.");
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Problem(int status, string type, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, type: type);
}
