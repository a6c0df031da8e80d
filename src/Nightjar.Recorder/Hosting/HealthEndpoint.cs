namespace Nightjar.Recorder.Hosting;

/// <summary><c>GET /healthz</c> on both listeners, without authentication: what a supervisor, a kiosk page or an app polls.</summary>
public static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", (BootIdentity boot, TimeProvider clock) => TypedResults.Ok(new HealthReport(
            "ok",
            boot.BootId,
            Identity.RecorderIdentityStore.Version,
            (long)(clock.GetUtcNow() - boot.StartedUtc).TotalSeconds)));
        return endpoints;
    }
}
