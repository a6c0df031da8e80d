using System.Net.WebSockets;
using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recording;
using static Nightjar.Recorder.Video.VideoSockets;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Live video as a WebSocket: the console's tiles (<c>/console/media/live</c>) and apps and the web app
/// (<c>/api/v1/cameras/{id}/live</c>). One viewer is one subscription to the stream's live fan-out; a viewer that takes
/// nothing for 15 s is cut off, and a password change, Lock or a revocation closes it with the status that says which.
/// </summary>
internal static class LiveVideo
{
    /// <summary>How long a live viewer may take to accept one message before it is cut off.</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(15);

    internal static Task<IResult> ApiLiveAsync(
        HttpContext context, string cameraId, string? stream, string? describe, CameraCatalog catalog, RecordingEngine engine, OpenStreams open) =>
        describe is null or "true" or "false"
            ? LiveAsync(context, cameraId, stream, StreamKind.Main, describe == "true", catalog, engine, open)
            : Task.FromResult<IResult>(VideoEndpoints.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, "describe must be true or false."));

    internal static async Task<IResult> LiveAsync(
        HttpContext context, string cameraId, string? stream, StreamKind fallback, bool describe, CameraCatalog catalog, RecordingEngine engine, OpenStreams open)
    {
        if (!VideoQuery.TryStream(stream, fallback, out var kind, out var error))
        {
            return VideoEndpoints.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, error);
        }

        var camera = (await catalog.ListAsync()).FirstOrDefault(c => string.Equals(c.Id, cameraId, StringComparison.Ordinal));
        if (camera is null)
        {
            return VideoEndpoints.NoSuchCamera();
        }

        if (kind == StreamKind.Sub && camera.SubStreamUrl is null)
        {
            return VideoEndpoints.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "This camera has no sub-stream.");
        }

        if (engine.Live(new StreamKey(camera.Id, kind)) is not { } feed)
        {
            return VideoEndpoints.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.CameraOffline, "This camera is not recording (it is disabled).");
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return VideoEndpoints.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, "Open this address as a WebSocket.");
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
}
