using System.Net.WebSockets;
using System.Text.Json;

namespace Nightjar.Recorder.Video;

/// <summary>
/// What the recorder's WebSockets (live video, live events) share: the close statuses that tell a page why its stream
/// ended (wwwroot/live.js keeps the same numbers in its <c>closeStatus</c>, checked by a test), the close itself, and
/// reading until the viewer goes.
/// </summary>
public static class VideoSockets
{
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
}
