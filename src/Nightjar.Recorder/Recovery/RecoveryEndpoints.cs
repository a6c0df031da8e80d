using Microsoft.AspNetCore.Http.HttpResults;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.Recovery;

/// <summary>
/// Forgot Password over HTTP on the console listener, for the kiosk's scripts and for tests that drive the real
/// process from outside. The same service as the on-screen dialog answers, with the same limits. Every call must
/// carry <c>X-Nightjar-Console: 1</c>: a page from another origin cannot send that header without a CORS
/// preflight, which the recorder never grants, so a web page shown on the box cannot drive these routes.
/// </summary>
public static class RecoveryEndpoints
{
    public const string ConsoleHeader = "X-Nightjar-Console";
    private const string ProblemBase = Contracts.ProblemTypes.Base;

    public static IEndpointRouteBuilder MapRecovery(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/console/recovery").AddEndpointFilter(RequireConsoleHeader).DisableAntiforgery();
        group.MapPost("/requests", StartAsync);
        group.MapPost("/requests/resend", ResendAsync);
        group.MapPost("/requests/recovery-key", StartWithKeyAsync);
        group.MapGet("/requests/{id}", GetAsync);
        group.MapPost("/requests/{id}/verify", VerifyAsync);
        group.MapPost("/requests/{id}/complete", CompleteAsync);
        group.MapDelete("/requests/{id}", CancelAsync);
        return endpoints;
    }

    public sealed record VerifyBody(string? Code);

    public sealed record CompleteBody(string? Ticket, string? NewPassword, string? ConfirmPassword);

    public sealed record RequestBody(string RequestId, string Method, string State, DateTimeOffset ExpiresUtc, int AttemptsLeft, string? MaskedAddress, string? FilePath, string? Delivery);

    public sealed record TicketBody(string Ticket);

    public sealed record CompletedBody(string Status, string? NewRecoveryKey, bool Rebooting);

    private static async ValueTask<object?> RequireConsoleHeader(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Request.Headers[ConsoleHeader] == "1"
            ? await next(context)
            : Problem(StatusCodes.Status403Forbidden, "console-header-required", $"Send the header {ConsoleHeader}: 1.");

    private static async Task<IResult> StartAsync(PasswordRecovery recovery) => Answer(await recovery.StartAsync());

    private static async Task<IResult> ResendAsync(PasswordRecovery recovery) => Answer(await recovery.ResendAsync());

    private static async Task<IResult> StartWithKeyAsync(PasswordRecovery recovery) => Answer(await recovery.StartWithRecoveryKeyAsync());

    private static async Task<IResult> GetAsync(string id, PasswordRecovery recovery) =>
        await recovery.GetAsync(id) is { } view ? TypedResults.Ok(Body(view)) : NotFound();

    private static async Task<IResult> VerifyAsync(string id, VerifyBody? body, PasswordRecovery recovery) =>
        await recovery.VerifyAsync(id, body?.Code) switch
        {
            CodeCheck.Accepted accepted => TypedResults.Ok(new TicketBody(accepted.Ticket)),
            CodeCheck.Wrong wrong => Problem(StatusCodes.Status400BadRequest, "wrong-code", Text(wrong), ("attemptsLeft", wrong.AttemptsLeft)),
            CodeCheck.Empty empty => Problem(StatusCodes.Status400BadRequest, "code-required", Text(empty)),
            CodeCheck.Burned burned => Problem(StatusCodes.Status410Gone, "code-burned", Text(burned)),
            CodeCheck.Expired expired => Problem(StatusCodes.Status410Gone, "code-expired", Text(expired)),
            var other => Problem(StatusCodes.Status410Gone, "request-not-active", Text(other)),
        };

    private static string Text(CodeCheck check) => CodeCheckText.For(check, recoveryKey: false)!;

    private static async Task<IResult> CompleteAsync(
        string id, CompleteBody? body, PasswordRecovery recovery, RestartAfterReset restart)
    {
        switch (await recovery.CompleteAsync(id, body?.Ticket, body?.NewPassword, body?.ConfirmPassword))
        {
            case ResetCompletion.Succeeded succeeded:
                var reboot = restart.RestartsAtOnce(succeeded);
                if (reboot)
                {
                    await restart.RestartAsync();
                }

                return TypedResults.Ok(new CompletedBody("password-changed", succeeded.NewRecoveryKey, reboot));
            case ResetCompletion.Invalid invalid:
                return TypedResults.ValidationProblem(
                    invalid.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }),
                    title: "The new password was refused.",
                    type: ProblemBase + "password-refused");
            case ResetCompletion.Busy:
                return Problem(StatusCodes.Status503ServiceUnavailable, "busy", "The recorder is busy. Try again in a moment.");
            default:
                return Problem(StatusCodes.Status409Conflict, "not-verified", "This reset is no longer valid (used, expired, cancelled or replaced).");
        }
    }

    private static async Task<NoContent> CancelAsync(string id, PasswordRecovery recovery)
    {
        await recovery.CancelAsync(id);
        return TypedResults.NoContent();
    }

    private static IResult Answer(RecoveryStart start) => start switch
    {
        RecoveryStart.Started started => TypedResults.Ok(Body(started.Request)),
        RecoveryStart.CoolingDown cooling => TooMany("resend-cooldown", "A code was sent moments ago.", cooling.Until),
        RecoveryStart.RateLimited limited => TooMany("too-many-requests", "Too many reset requests this hour. Your password still works.", limited.Until),
        RecoveryStart.NotSetUp => Problem(StatusCodes.Status409Conflict, "setup-not-complete", "Setup has not been completed: the setup wizard sets the first password."),
        _ => throw new InvalidOperationException("Unknown recovery answer."),
    };

    private static RequestBody Body(RecoveryRequestView view) => new(
        view.Id, view.Method.ToString(), view.State.ToString(), view.ExpiresUtc, view.AttemptsLeft, view.MaskedAddress, view.FilePath, view.Message?.StatusText);

    private static RetryAfterResult TooMany(string type, string detail, DateTimeOffset until) =>
        new(until, Problem(StatusCodes.Status429TooManyRequests, type, detail, ("retryAfterUtc", until)));

    private static ProblemHttpResult NotFound() => Problem(StatusCodes.Status404NotFound, "request-not-found", "No such reset request.");

    private static ProblemHttpResult Problem(int status, string type, string detail, params (string Key, object Value)[] extensions) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            type: ProblemBase + type,
            extensions: extensions.ToDictionary(e => e.Key, e => (object?)e.Value));
}
