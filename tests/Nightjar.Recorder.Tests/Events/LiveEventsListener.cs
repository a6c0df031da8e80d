using System.Net.WebSockets;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Tests.Video;
using Nightjar.TestSupport;

namespace Nightjar.Recorder.Tests.Events;

/// <summary>The app's live events socket (<c>/api/v1/events/live</c>), open and collecting every message until disposed.</summary>
public sealed class LiveEventsListener : IAsyncDisposable
{
    private readonly List<EventMessage> messages = [];
    private readonly ClientWebSocket socket;
    private readonly Task reading;

    private LiveEventsListener(ClientWebSocket socket)
    {
        this.socket = socket;
        reading = ReadAsync();
    }

    public IReadOnlyList<EventMessage> Messages
    {
        get
        {
            lock (messages)
            {
                return [.. messages];
            }
        }
    }

    public static async Task<LiveEventsListener> OpenAsync(TestRecorder recorder, string token) =>
        new(await VideoConnections.OpenApiLiveAsync(recorder, "/api/v1/events/live", token));

    private async Task ReadAsync()
    {
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var (type, bytes) = await VideoConnections.ReceiveAsync(socket, TimeSpan.FromMinutes(5));
                if (type == WebSocketMessageType.Close)
                {
                    return;
                }

                lock (messages)
                {
                    messages.Add(JsonSerializer.Deserialize<EventMessage>(bytes, EventJson.Options)!);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        socket.Abort();
        await reading;
        socket.Dispose();
    }
}
