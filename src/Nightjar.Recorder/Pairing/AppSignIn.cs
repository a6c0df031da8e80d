using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.Pairing;

/// <summary>
/// A password proving itself for an app token, under the API's wrong-password limits: the companion app's
/// <c>POST /api/v1/sessions</c> and the web app's <c>POST /api/v1/web/session</c> both come through here, so a
/// browser has exactly the allowance and the audit trail of an app.
/// </summary>
public sealed class AppSignIn(
    AdminAccount account, CredentialEpoch epoch, AppTokens tokens, ApiLoginThrottle throttle, DeviceCookies deviceCookies,
    AuditLog audit, TimeProvider clock)
{
    /// <summary>What a sign-in gave: a token and the device cookie to keep, or the problem to answer with.</summary>
    public sealed record Outcome(string? Token, string? DeviceCookie, IResult? Refusal);

    public async Task<Outcome> TryAsync(HttpContext context, string userName, string password, string clientName, string? deviceCookie)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var cookieId = await deviceCookies.ReadAsync(deviceCookie);
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
            return Refused(new RetryAfterResult(retryAt, Problem(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyAttempts, why)));
        }

        var result = ApiLoginThrottle.Result.Wrong;
        try
        {
            switch (await account.CheckSignInAsync(userName, password))
            {
                case SignInCheck.Busy:
                    result = ApiLoginThrottle.Result.NotChecked;
                    return Refused(new RetryAfterResult(clock.GetUtcNow().AddSeconds(1),
                        Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Busy, "The recorder is busy. Try again in a moment.")));
                case SignInCheck.Right:
                    result = ApiLoginThrottle.Result.Right;
                    var token = await tokens.IssueAsync(clientName, epoch.Current);
                    await audit.WriteAsync(AuditEvent.AppSignedIn, $"App \"{clientName}\" signed in from {address}.");
                    return new Outcome(token, known ? deviceCookie! : await deviceCookies.IssueAsync(), null);
                default:
                    await audit.WriteAsync(AuditEvent.AppSignInFailed, $"App \"{clientName}\" at {address}: wrong user name or password.");
                    return Refused(Problem(StatusCodes.Status401Unauthorized, ProblemTypes.WrongCredentials, "Wrong user name or password."));
            }
        }
        finally
        {
            throttle.End(client, known, result);
        }
    }

    private static Outcome Refused(IResult problem) => new(null, null, problem);

    public static IResult Problem(int status, string type, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, type: type);
}
