using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Ingest;

internal sealed class FfmpegSourceFactory(string ffmpegPath, ILogger logger) : IFragmentSourceFactory
{
    public IFragmentSource Open(StreamEndpoint endpoint, bool withAudio) => FfmpegSource.Start(ffmpegPath, endpoint, withAudio, logger);

    /// <summary>A TCP connect to the camera's RTSP port (554, or 322 for rtsps, unless the URL names one), given one second.</summary>
    public async Task<bool> IsReachableAsync(StreamEndpoint endpoint, CancellationToken cancellationToken)
    {
        var port = endpoint.Url.IsDefaultPort || endpoint.Url.Port <= 0
            ? (string.Equals(endpoint.Url.Scheme, "rtsps", StringComparison.OrdinalIgnoreCase) ? 322 : 554)
            : endpoint.Url.Port;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(endpoint.Url.DnsSafeHost, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
