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

    private static async Task<IResult> SignInAsync(HttpContext context, SessionRequest? request, AppSignIn signIn, RecorderIdentityStore devices)
    {
        var clientName = request?.ClientName?.Trim() ?? "";
        if (clientName.Length is 0 or > AppTokens.MaxClientNameLength || TypedText.HasHiddenCharacters(clientName)
            || request?.UserName is not { Length: > 0 and <= AdminAccount.MaxInputLength }
            || request.Password is not { Length: > 0 and <= AdminAccount.MaxInputLength }
            || request.DeviceCookie is { Length: > 256 })
        {
            return AppSignIn.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest,
                $"Send userName, password and clientName (1–{AppTokens.MaxClientNameLength} characters, no line breaks).");
        }

        var outcome = await signIn.TryAsync(context, request.UserName, request.Password, clientName, request.DeviceCookie);
        if (outcome.Refusal is not null)
        {
            return outcome.Refusal;
        }

        var device = await devices.GetAsync();
        return TypedResults.Created("/api/v1/sessions/current", new SessionResponse(outcome.Token!, "Bearer", device.DeviceId, outcome.DeviceCookie!));
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
}
