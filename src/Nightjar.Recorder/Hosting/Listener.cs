namespace Nightjar.Recorder.Hosting;

/// <summary>Which of the two Kestrel listeners a connection arrived on.</summary>
public enum Listener
{
    /// <summary>The box's own screen: loopback only; setup and password recovery live here.</summary>
    Console,

    /// <summary>The companion-app API: TLS with the device certificate, reachable from the LAN.</summary>
    Api,
}
