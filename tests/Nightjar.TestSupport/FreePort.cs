using System.Net;
using System.Net.Sockets;

namespace Nightjar.TestSupport;

/// <summary>A loopback port that was free a moment ago. Tests need fixed ports so a reboot comes back on the same ones.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
