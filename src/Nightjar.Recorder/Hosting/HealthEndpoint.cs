namespace Nightjar.Recorder.Hosting;

/// <summary><c>GET /healthz</c> on both listeners, without authentication: what a supervisor, a kiosk page or an app polls.</summary>
public static class HealthEndpoint
{
    public const string Ok = "ok";
    public const string StorageFaultStatus = "storage-fault";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", (BootIdentity boot, StorageHealth storage, TimeProvider clock) =>
        {
            var uptime = (long)(clock.GetUtcNow() - boot.StartedUtc).TotalSeconds;
            var version = Identity.RecorderIdentityStore.Version;
            return storage.Problem() is { } problem
                ? Results.Json(new HealthReport(StorageFaultStatus, boot.BootId, version, uptime, problem), statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Ok(new HealthReport(Ok, boot.BootId, version, uptime));
        });
        return endpoints;
    }
}
