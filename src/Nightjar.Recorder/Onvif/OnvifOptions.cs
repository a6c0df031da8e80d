namespace Nightjar.Recorder.Onvif;

/// <summary>ONVIF from configuration (section <c>Nightjar:Onvif</c>).</summary>
public sealed class OnvifOptions
{
    public const string Section = "Nightjar:Onvif";

    /// <summary>
    /// The network interfaces Search probes (names such as <c>eth1</c>); empty: every network the box is on. A box with
    /// a camera network and an uplink names the camera network, so nothing is probed on the other.
    /// </summary>
    public List<string> SearchInterfaces { get; } = [];
}
