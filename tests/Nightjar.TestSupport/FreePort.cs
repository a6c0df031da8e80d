using System.Net;
using System.Net.Sockets;

namespace Nightjar.TestSupport;

/// <summary>
/// A loopback port that was free a moment ago. Tests need fixed ports so a reboot comes back on the same ones. They
/// come from below the kernel's ephemeral range (32768 and up), so the outgoing connections of ffmpeg, browsers and
/// HTTP clients cannot take one between this check and the bind, and each is handed out once per test process.
/// </summary>
public static class FreePort
{
    private const int First = 20000;
    private const int Last = 32000;
    private static int next = First + (Environment.ProcessId % 1000 * 11);

    public static int Next()
    {
        for (var attempt = 0; attempt < Last - First; attempt++)
        {
            var port = First + ((Interlocked.Increment(ref next) - First) % (Last - First));
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Someone else's; try the next.
            }
        }

        throw new InvalidOperationException($"No free loopback port between {First} and {Last}.");
    }
}
