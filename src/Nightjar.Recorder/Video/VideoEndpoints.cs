using Microsoft.AspNetCore.Http.HttpResults;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Pairing;
using Nightjar.Recording;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Registers live video (<see cref="LiveVideo"/>), recorded video (<see cref="RecordedVideo"/>) and snapshots: on the
/// console listener for the box's screen (<c>/console/media</c>), on the API listener for apps (<c>/api/v1/cameras</c>). Every route is guarded by an authorization policy (an unlocked console, the
/// locked live view when allowed, or an app token of the current credential epoch), and every stream it opens is
/// ended the moment the password changes. Video bytes never pass through the Blazor circuit.
/// </summary>
public static class VideoEndpoints
{
    public static IServiceCollection AddVideo(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddOptions<Console.ConsoleOptions>().BindConfiguration(Console.ConsoleOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, LiveViewAccess.Handler>();
        services.AddAuthorizationBuilder().AddPolicy(LiveViewAccess.Policy, policy => policy
            .AddAuthenticationSchemes(Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme)
            .AddRequirements(new LiveViewAccess()));
        services.AddSingleton<OpenStreams>();
        services.AddOptions<VideoLimits>().BindConfiguration(VideoLimits.Section)
            .Validate(l => l.SnapshotsAtOnce is >= 1 and <= 64 && l.SnapshotsPerClient is >= 1 and <= 64
                && l.DownloadsAtOnce is >= 1 and <= 256 && l.DownloadsPerClient is >= 1 and <= 256,
                "Nightjar:Video:SnapshotsAtOnce and SnapshotsPerClient must be between 1 and 64, DownloadsAtOnce and DownloadsPerClient between 1 and 256.")
            .ValidateOnStart();
        services.AddSingleton<HeavyRequests>();
        return services.AddSingleton<Exports>();
    }

    public static IEndpointRouteBuilder MapVideo(this IEndpointRouteBuilder endpoints)
    {
        var console = endpoints.MapGroup("/console/media").ExcludeFromDescription();
        console.MapGet("/live/{cameraId}", (HttpContext context, string cameraId, string? stream, CameraCatalog catalog, RecordingEngine engine, OpenStreams open) =>
                LiveVideo.LiveAsync(context, cameraId, stream, StreamKind.Sub, describe: true, catalog, engine, open))
            .RequireAuthorization(LiveViewAccess.Policy);
        console.MapGet("/recordings/{cameraId}/excerpt.mp4", RecordedVideo.ExcerptAsync).RequireAuthorization(ConsoleSession.Policy);
        // The camera's picture under the camera dialog's Motion Area grid.
        console.MapGet("/snapshot/{cameraId}", SnapshotAsync).RequireAuthorization(ConsoleSession.Policy);

        var api = endpoints.MapGroup("/api/v1/cameras").RequireAuthorization(AppTokenAuthenticationHandler.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("", ListAsync).WithName("ListCameras");
        // Browsers open wss:// over an HTTP/2 connection with an extended CONNECT (RFC 8441), not a GET: the same
        // handler answers both (the CONNECT twin is left out of the API description, which has no such operation).
        api.MapMethods("/{cameraId}/live", [HttpMethods.Connect], LiveVideo.ApiLiveAsync).ExcludeFromDescription();
        api.MapGet("/{cameraId}/live", LiveVideo.ApiLiveAsync)
            .WithName("LiveVideo")
            .WithDescription("A WebSocket of binary messages: a fragmented MP4 init segment, then fragments from a keyframe on (one per frame); a new init segment when the camera reconnects. Closed with status 4001 when the password changes, 4003 when this app's token is revoked. describe=true: before each init segment a text message {type: \"init\", codecs, start} with the codec string for Media Source Extensions and the segment's start on the media timeline (seconds).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/{cameraId}/recordings", RecordedVideo.RecordingsAsync).WithName("ListRecordings")
            .Produces<RecordingsResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{cameraId}/video.mp4", RecordedVideo.VideoAsync).WithName("RecordedVideo")
            .WithDescription("One fragmented MP4 of the main stream from the keyframe at or before from to to, copied from the recordings (no transcoding). Honours Range requests. 429 with Retry-After when this app, or all together, already have as many recorded videos being sent as the recorder allows. 410 when the recordings were deleted (to make room, or by the owner) since the video was planned: ask again for what is left. Recordings deleted while the body is being sent close the connection before its end.")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4").Produces(StatusCodes.Status206PartialContent, contentType: "video/mp4")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/{cameraId}/snapshot.jpg", SnapshotAsync).WithName("Snapshot")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<CameraInfo>>> ListAsync(CameraCatalog catalog, RecordingEngine engine)
    {
        var cameras = new List<CameraInfo>();
        foreach (var camera in await catalog.ListAsync())
        {
            var status = engine.Status(new StreamKey(camera.Id, StreamKind.Main));
            cameras.Add(new CameraInfo(camera.Id, camera.Name, camera.Channel, StreamStatus.StateOf(status, camera.Enabled).ToString(),
                status?.Problem, status?.Facts?.Codec, status?.Facts?.Width ?? 0, status?.Facts?.Height ?? 0, camera.SubStreamUrl is not null));
        }

        return TypedResults.Ok<IReadOnlyList<CameraInfo>>(cameras);
    }

    private static async Task<IResult> SnapshotAsync(HttpContext context, string cameraId, CameraCatalog catalog, RecordingEngine engine, HeavyRequests heavy)
    {
        if (await FindAsync(catalog, cameraId) is not { } id)
        {
            return NoSuchCamera();
        }

        // Every snapshot runs an ffmpeg decoder: at most SnapshotsAtOnce of them, whoever asks.
        using var slot = heavy.Enter(context, HeavyRequests.Work.Snapshot);
        if (slot.Refusal is { } busy)
        {
            return busy;
        }

        if (await engine.SnapshotAsync(new StreamKey(id, StreamKind.Main), context.RequestAborted) is not { } snapshot)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.CameraOffline, "There is no picture from this camera yet.");
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Nightjar-Live"] = snapshot.Live ? "true" : "false";
        return Results.File(snapshot.Jpeg, "image/jpeg");
    }

    /// <summary>A camera's id, also when it was removed with its recordings kept (their video stays reachable).</summary>
    internal static async Task<string?> FindAsync(CameraCatalog catalog, string cameraId) =>
        (await catalog.NamesAsync()).ContainsKey(cameraId) ? cameraId : null;

    internal static ProblemHttpResult NoSuchCamera() => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "There is no camera with this id.");

    internal static ProblemHttpResult Problem(int status, string type, string detail) => TypedResults.Problem(detail: detail, statusCode: status, type: type);
}
