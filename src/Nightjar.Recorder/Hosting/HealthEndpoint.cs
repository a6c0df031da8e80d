namespace Nightjar.Recorder.Hosting;

/// <summary><c>GET /healthz</c> on both listeners, without authentication: what a supervisor, a kiosk page or an app polls.</summary>
public static class HealthEndpoint
{
    public const string Ok = "ok";
    public const string StorageFaultStatus = "storage-fault";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        // Always 200 (SPEC: the answer says whether the recorder is up and which boot it is): the kiosk and a
        // console waiting out a reboot must still find the recorder on a full disk, where the screen is the only place
        // the owner can read why. What is wrong is in the body, for a supervisor to read.
        endpoints.MapGet("/healthz", (BootIdentity boot, StorageHealth storage, TimeProvider clock) =>
        {
            var problem = storage.Problem();
            return TypedResults.Ok(new HealthReport(
                problem is null ? Ok : StorageFaultStatus,
                boot.BootId,
                Identity.RecorderIdentityStore.Version,
                (long)(clock.GetUtcNow() - boot.StartedUtc).TotalSeconds,
                problem));
        });
        return endpoints;
    }
}
