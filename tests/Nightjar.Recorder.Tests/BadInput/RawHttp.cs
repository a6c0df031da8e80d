using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Nightjar.Recorder.Tests.BadInput;

/// <summary>
/// HTTP/1.1 over a bare socket (TLS for https), for requests no conforming client will send: raw bytes in headers
/// and paths, bodies that stall or trickle. Reports the status line if one came, or that the server closed.
/// </summary>
public static class RawHttp
{
    public sealed record Answer(int? Status, bool Closed, TimeSpan Elapsed);

    /// <param name="server">The listener; https is spoken over TLS, trusting only the certificate with <paramref name="certificateSha256"/>.</param>
    /// <param name="request">The request, with its stall and trickle markers.</param>
    /// <param name="giveUpAfter">How long to wait for an answer or a close.</param>
    /// <param name="certificateSha256">The recorder's certificate fingerprint (lower-case hex), for https.</param>
    public static async Task<Answer> SendAsync(Uri server, IReadOnlyList<BadInputCase.Piece> request, TimeSpan giveUpAfter, string certificateSha256 = "")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        Stream stream = tcp.GetStream();
        if (server.Scheme == Uri.UriSchemeHttps)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, _) =>
                certificate is not null && Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData())) == certificateSha256);
            await tls.AuthenticateAsClientAsync(server.Host);
            stream = tls;
        }

        await using (stream)
        {
            var clock = Stopwatch.StartNew();
            using var giveUp = new CancellationTokenSource(giveUpAfter);
            var reading = ReadStatusAsync(stream, giveUp.Token);
            var trickle = false;
            try
            {
                foreach (var piece in request)
                {
                    if (piece.Marker == BadInputCase.Stall)
                    {
                        break;
                    }

                    if (piece.Marker == BadInputCase.Trickle)
                    {
                        trickle = true;
                        continue;
                    }

                    var bytes = piece.Raw is { } raw ? [raw] : Encoding.UTF8.GetBytes(piece.Text!);
                    foreach (var chunk in trickle ? bytes.Chunk(1) : [bytes])
                    {
                        if (reading.IsCompleted)
                        {
                            break;
                        }

                        await stream.WriteAsync(chunk, giveUp.Token);
                        await stream.FlushAsync(giveUp.Token);
                        if (trickle)
                        {
                            await Task.Delay(400, giveUp.Token);
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The server closed on us, or we gave up: the read below says which.
            }

            var status = await reading;
            return new Answer(status.Code, status.Closed, clock.Elapsed);
        }
    }

    private static async Task<(int? Code, bool Closed)> ReadStatusAsync(Stream stream, CancellationToken giveUp)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, giveUp);
                if (read == 0)
                {
                    return (ParseStatus(received), true);
                }

                received.AddRange(buffer.AsSpan(0, read));
                var code = ParseStatus(received);
                var headEnd = Encoding.ASCII.GetString([.. received]).IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (code == 100 && headEnd > 0)
                {
                    received.RemoveRange(0, headEnd + 4); // "100 Continue": the real answer follows.
                }
                else if (code is not null and not 100)
                {
                    return (code, false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (ParseStatus(received), false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return (ParseStatus(received), true);
        }
    }

    private static int? ParseStatus(List<byte> received)
    {
        var text = Encoding.ASCII.GetString([.. received]);
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end > 0 && text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(text.AsSpan(9, 3), out var code) ? code : null;
    }
}
