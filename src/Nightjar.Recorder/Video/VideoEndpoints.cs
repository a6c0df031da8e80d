using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Pairing;
using Nightjar.Recording;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Live and recorded video: on the console listener for the box's screen (<c>/console/media</c>), on the API listener
/// for apps (<c>/api/v1/cameras</c>). Every route is guarded by an authorization policy (an unlocked console, the
/// locked live view when allowed, or an app token of the current credential epoch), and every stream it opens is
/// ended the moment the password changes. Video bytes never pass through the Blazor circuit.
/// </summary>
public static class VideoEndpoints
{
    /// <summary>How long a live viewer may take to accept one message before it is cut off.</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(15);

    /// <summary>WebSocket close status: the password changed (sign in again).</summary>
    public const int PasswordChangedCloseStatus = 4001;

    /// <summary>WebSocket close status: the console was locked, or live video while locked was turned off, and its live view needs a login.</summary>
    public const int LockedCloseStatus = 4002;

    /// <summary>WebSocket close status: the app token the socket was opened with was revoked (or signed out).</summary>
    public const int RevokedCloseStatus = 4003;

    /// <summary>Closes a socket whose stream a password change, Lock or a revocation ended, saying which.</summary>
    internal static Task CloseForAsync(WebSocket socket, OpenStreams.Ending why) => why switch
    {
        OpenStreams.Ending.Locked => CloseAsync(socket, (WebSocketCloseStatus)LockedCloseStatus, "The console was locked."),
        OpenStreams.Ending.LiveViewTurnedOff => CloseAsync(socket, (WebSocketCloseStatus)LockedCloseStatus, "Live video now needs a login."),
        OpenStreams.Ending.Revoked => CloseAsync(socket, (WebSocketCloseStatus)RevokedCloseStatus, "Signed out: this app's sign-in was revoked."),
        _ => CloseAsync(socket, (WebSocketCloseStatus)PasswordChangedCloseStatus, "The password changed."),
    };

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
                LiveAsync(context, cameraId, stream, StreamKind.Sub, describe: true, catalog, engine, open))
            .RequireAuthorization(LiveViewAccess.Policy);
        console.MapGet("/recordings/{cameraId}/excerpt.mp4", ExcerptAsync).RequireAuthorization(ConsoleSession.Policy);
        // The camera's picture under the camera dialog's Motion Area grid.
        console.MapGet("/snapshot/{cameraId}", SnapshotAsync).RequireAuthorization(ConsoleSession.Policy);

        var api = endpoints.MapGroup("/api/v1/cameras").RequireAuthorization(AppTokenAuthenticationHandler.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("", ListAsync).WithName("ListCameras");
        // Browsers open wss:// over an HTTP/2 connection with an extended CONNECT (RFC 8441), not a GET: the same
        // handler answers both (the CONNECT twin is left out of the API description, which has no such operation).
        api.MapMethods("/{cameraId}/live", [HttpMethods.Connect], ApiLiveAsync).ExcludeFromDescription();
        api.MapGet("/{cameraId}/live", ApiLiveAsync)
            .WithName("LiveVideo")
            .WithDescription("A WebSocket of binary messages: a fragmented MP4 init segment, then fragments from a keyframe on (one per frame); a new init segment when the camera reconnects. Closed with status 4001 when the password changes, 4003 when this app's token is revoked. describe=true: before each init segment a text message {type: \"init\", codecs, start} with the codec string for Media Source Extensions and the segment's start on the media timeline (seconds).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/{cameraId}/recordings", RecordingsAsync).WithName("ListRecordings")
            .Produces<RecordingsResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{cameraId}/video.mp4", VideoAsync).WithName("RecordedVideo")
            .WithDescription("One fragmented MP4 of the main stream from the keyframe at or before from to to, copied from the recordings (no transcoding). Honours Range requests. 429 with Retry-After when this app, or all together, already have as many recorded videos being sent as the recorder allows. 410 when the recordings were deleted (to make room, or by the owner) since the video was planned: ask again for what is left. Recordings deleted while the body is being sent close the connection before its end.")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4").Produces(StatusCodes.Status206PartialContent, contentType: "video/mp4")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/{cameraId}/snapshot.jpg", SnapshotAsync).WithName("Snapshot")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static Task<IResult> ApiLiveAsync(
        HttpContext context, string cameraId, string? stream, string? describe, CameraCatalog catalog, RecordingEngine engine, OpenStreams open) =>
        describe is null or "true" or "false"
            ? LiveAsync(context, cameraId, stream, StreamKind.Main, describe == "true", catalog, engine, open)
            : Task.FromResult<IResult>(Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, "describe must be true or false."));

    private static async Task<Ok<IReadOnlyList<CameraInfo>>> ListAsync(CameraCatalog catalog, RecordingEngine engine)
    {
        var cameras = new List<CameraInfo>();
        foreach (var camera in await catalog.ListAsync())
        {
            var status = engine.Status(new StreamKey(camera.Id, StreamKind.Main));
            cameras.Add(new CameraInfo(camera.Id, camera.Name, camera.Channel, status?.State.ToString() ?? (camera.Enabled ? "Connecting" : "Disabled"),
                status?.Problem, status?.Facts?.Codec, status?.Facts?.Width ?? 0, status?.Facts?.Height ?? 0, camera.SubStreamUrl is not null));
        }

        return TypedResults.Ok<IReadOnlyList<CameraInfo>>(cameras);
    }

    private static async Task<IResult> RecordingsAsync(string cameraId, string? from, string? to, CameraCatalog catalog, RecordingEngine engine)
    {
        if (!VideoQuery.TryRange(from, to, VideoQuery.MaxListRange, out var start, out var end, out var error))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, error);
        }

        if (await FindAsync(catalog, cameraId) is not { } id)
        {
            return NoSuchCamera();
        }

        var timeline = await engine.GetTimelineAsync(new StreamKey(id, StreamKind.Main), start, end);
        return TypedResults.Ok(new RecordingsResponse(id, start, end,
            [.. timeline.Spans.Select(s => new RecordedSpan(s.Start, s.End))],
            [.. timeline.Gaps.Select(g => new RecordingGap(g.Start, g.End, g.Reason))]));
    }

    private static Task<IResult> VideoAsync(
        HttpContext context, string cameraId, string? from, string? to, CameraCatalog catalog, RecordingEngine engine, OpenStreams open, HeavyRequests heavy) =>
        ServeExcerptAsync(context, cameraId, "main", from, to, catalog, engine, open, heavy, download: true);

    private static Task<IResult> ExcerptAsync(
        HttpContext context, string cameraId, string? stream, string? from, string? to, CameraCatalog catalog, RecordingEngine engine, OpenStreams open, HeavyRequests heavy) =>
        ServeExcerptAsync(context, cameraId, stream, from, to, catalog, engine, open, heavy, download: false);

    /// <summary>
    /// An excerpt, with range requests, until it is sent or the password changes (which aborts the connection); 429
    /// when its client, or all together, already have as many being sent as allowed.
    /// </summary>
    private static async Task<IResult> ServeExcerptAsync(
        HttpContext context, string cameraId, string? stream, string? from, string? to, CameraCatalog catalog, RecordingEngine engine, OpenStreams open,
        HeavyRequests heavy, bool download)
    {
        if (!VideoQuery.TryStream(stream, StreamKind.Main, out var kind, out var error)
            || !VideoQuery.TryRange(from, to, VideoQuery.MaxVideoRange, out var start, out var end, out error))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, error);
        }

        if (await FindAsync(catalog, cameraId) is not { } id)
        {
            return NoSuchCamera();
        }

        using var slot = heavy.Enter(context, HeavyRequests.Work.Download);
        if (slot.Refusal is { } busy)
        {
            return busy;
        }

        var excerpt = await engine.ExcerptAsync(new StreamKey(id, kind), start, end);
        if (excerpt is null)
        {
            return Problem(StatusCodes.Status404NotFound, ProblemTypes.NotRecorded, "Nothing was recorded from this camera in that time.");
        }

        var name = download ? $"{id}_{excerpt.Start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.mp4" : null;
        return await SendExcerptAsync(context, excerpt, engine, open, name);
    }

    /// <summary>
    /// Sends an excerpt as one MP4 with range requests, named <paramref name="downloadName"/> when it is a download,
    /// until it is sent or the password changes (which aborts the connection); on the console, Lock also ends it. Its
    /// files are leased while it is sent, so retention keeping the quota waits for it. Recordings deleted all the same
    /// (the disk's free-space floor, the owner's Delete Recordings) end it cleanly: before the headers with a 410
    /// problem in words, after them by closing the connection early (the only way HTTP says a body is incomplete),
    /// with one line in the log saying why.
    /// </summary>
    internal static async Task<IResult> SendExcerptAsync(
        HttpContext context, Nightjar.Recording.Playback.RecordingExcerpt excerpt, RecordingEngine engine, OpenStreams open, string? downloadName)
    {
        await using var reader = excerpt.TryOpen();
        if (reader is null)
        {
            return RecordingsDeleted(Nightjar.Recording.Playback.RecordingsDeletedException.BeforeRead);
        }

        var headers = context.Response.Headers;
        headers["X-Nightjar-Start"] = excerpt.Start.ToString("O", CultureInfo.InvariantCulture);
        headers["X-Nightjar-End"] = excerpt.End.ToString("O", CultureInfo.InvariantCulture);
        headers["X-Nightjar-Codecs"] = excerpt.Init.BrowserCodecs ?? "";
        headers["X-Nightjar-Cut-Short"] = excerpt.CutShort ? "true" : "false";
        headers.CacheControl = "no-store";
        // The console's playback needs the unlocked console: Lock ends it; the app's does not depend on the console.
        using var lease = open.Open(context, endsWithLock: Hosting.ListenerRouting.ListenerOf(context) == Hosting.Listener.Console);
        using var abortWhenEnded = lease.Token.Register(context.Abort); // a password change, Lock or a revocation
        try
        {
            await Results.Stream(reader, "video/mp4", downloadName, enableRangeProcessing: true).ExecuteAsync(context);
        }
        catch (Nightjar.Recording.Playback.RecordingsDeletedException deleted)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.Clear(); // the range's status and length were set for the video
                return RecordingsDeleted(deleted.Message);
            }

            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(VideoEndpoints).FullName!).LogInformation(
                "Stopped sending recorded video of {Stream} ({Start:u} to {End:u}) part way: {Reason}", excerpt.Stream, excerpt.Start, excerpt.End, deleted.Message);
            context.Abort();
        }

        return Results.Empty;
    }

    private static ProblemHttpResult RecordingsDeleted(string detail) => Problem(StatusCodes.Status410Gone, ProblemTypes.RecordingsDeleted, detail);

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

    private static async Task<IResult> LiveAsync(
        HttpContext context, string cameraId, string? stream, StreamKind fallback, bool describe, CameraCatalog catalog, RecordingEngine engine, OpenStreams open)
    {
        if (!VideoQuery.TryStream(stream, fallback, out var kind, out var error))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, error);
        }

        var camera = (await catalog.ListAsync()).FirstOrDefault(c => string.Equals(c.Id, cameraId, StringComparison.Ordinal));
        if (camera is null)
        {
            return NoSuchCamera();
        }

        if (kind == StreamKind.Sub && camera.SubStreamUrl is null)
        {
            return Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "This camera has no sub-stream.");
        }

        if (engine.Live(new StreamKey(camera.Id, kind)) is not { } feed)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.CameraOffline, "This camera is not recording (it is disabled).");
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, "Open this address as a WebSocket.");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        // On the console, live video outlives Lock only on the box's own screen, and only while it may be watched
        // locked (LiveViewAccess); turning that off ends the screen's streams that a login does not hold.
        using var lease = Hosting.ListenerRouting.ListenerOf(context) == Hosting.Listener.Console
            ? open.OpenConsoleLive(context, kiosk: context.RequestServices.GetRequiredService<Console.KioskSecret>().Admits(context.Request))
            : open.Open(context);
        using var viewer = feed.Subscribe();
        using var viewerGone = CancellationTokenSource.CreateLinkedTokenSource(lease.Token);
        // Cancelling a send aborts the socket: that is how a viewer that takes nothing for 15 s is cut off, and how a
        // viewer that stopped reading is cut off 2 s after a password change (the others get a close with the reason).
        using var stuck = new CancellationTokenSource();
        using var cutOffOnPasswordChange = lease.Token.Register(() => stuck.CancelAfter(TimeSpan.FromSeconds(2)));
        var stamps = describe && context.Request.Query["stamps"] == "1";
        _ = ListenForCloseAsync(socket, viewerGone);
        try
        {
            await foreach (var packet in viewer.Packets.ReadAllAsync(viewerGone.Token))
            {
                stuck.CancelAfter(SendTimeout);
                if (describe && packet.IsInit)
                {
                    await SendTextAsync(socket, new { type = "init", codecs = packet.Codecs, start = packet.DecodeTime / 90_000.0 }, stuck.Token);
                }
                else if (stamps && !packet.IsInit)
                {
                    await SendTextAsync(socket, new { type = "fragment", arrived = packet.ArrivedUnixMs, time = packet.DecodeTime / 90_000.0 }, stuck.Token);
                }

                await socket.SendAsync(packet.Bytes, WebSocketMessageType.Binary, endOfMessage: true, stuck.Token);
                stuck.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "The stream ended.");
        }
        catch (OperationCanceledException) when (lease.Token.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // Only a password change, Lock or a revocation cancels the lease while the connection is still there.
            await CloseForAsync(socket, lease.EndedBy);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The viewer closed or went away: answer its close, if it sent one.
            await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "Closed.");
        }

        return Results.Empty;
    }

    /// <summary>Reads what the viewer sends (nothing but a close); when it closes or goes away, sending stops.</summary>
    internal static async Task ListenForCloseAsync(WebSocket socket, CancellationTokenSource viewerGone)
    {
        var buffer = new byte[256];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }

        try
        {
            viewerGone.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream had already ended.
        }
    }

    internal static Task SendTextAsync(WebSocket socket, object message, CancellationToken cancellationToken) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    internal static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
            {
            }
        }
    }

    /// <summary>A camera's id, also when it was removed with its recordings kept (their video stays reachable).</summary>
    private static async Task<string?> FindAsync(CameraCatalog catalog, string cameraId) =>
        (await catalog.NamesAsync()).ContainsKey(cameraId) ? cameraId : null;

    private static ProblemHttpResult NoSuchCamera() => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "There is no camera with this id.");

    private static ProblemHttpResult Problem(int status, string type, string detail) => TypedResults.Problem(detail: detail, statusCode: status, type: type);
}
