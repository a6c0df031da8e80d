using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nightjar.Recorder.Tests.Cameras;

/// <summary>
/// A listener that speaks just enough RTSP to ask for a Basic login: every request is answered 401 with
/// <c>WWW-Authenticate: Basic</c>, so ffmpeg sends the credentials it holds. Each request line is kept, with the
/// decoded "user:password" of its Authorization header, as a hostile host chosen by an editor would see them.
/// </summary>
public sealed class RtspLoginListener : IDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<string> requests = new();

    /// <param name="address">Such as 127.0.0.2: any 127.x address is this machine on Linux, so a test can change only the host.</param>
    public RtspLoginListener(string address = "127.0.0.1")
    {
        listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>"DESCRIBE rtsp://… RTSP/1.0", followed by " | Basic user:password" when the request carried a login.</summary>
    public IReadOnlyCollection<string> Requests => [.. requests];

    /// <summary>The first request that <paramref name="matches"/>, waited for up to 20 s (ffmpeg retries after a back-off).</summary>
    public async Task<string?> WaitForAsync(Func<string, bool> matches)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(20); waited += TimeSpan.FromMilliseconds(100))
        {
            if (requests.FirstOrDefault(matches) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        return null;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = Task.Run(() => ServeAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1);
            while (await reader.ReadLineAsync(stop.Token) is { Length: > 0 } requestLine)
            {
                string? login = null, sequence = "0";
                while (await reader.ReadLineAsync(stop.Token) is { Length: > 0 } header)
                {
                    if (header.StartsWith("Authorization: Basic ", StringComparison.OrdinalIgnoreCase))
                    {
                        login = "Basic " + Encoding.UTF8.GetString(Convert.FromBase64String(header["Authorization: Basic ".Length..].Trim()));
                    }
                    else if (header.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
                    {
                        sequence = header["CSeq:".Length..].Trim();
                    }
                }

                requests.Enqueue(login is null ? requestLine : requestLine + " | " + login);
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"RTSP/1.0 401 Unauthorized\r\nCSeq: {sequence}\r\nWWW-Authenticate: Basic realm=\"camera\"\r\nContent-Length: 0\r\n\r\n"), stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException or FormatException)
        {
            // Stopped, or ffmpeg gave up.
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
