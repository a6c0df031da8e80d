using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;

namespace Nightjar.Recorder.Onvif;

/// <summary>
/// Finds ONVIF cameras by WS-Discovery: a Probe for network video transmitters sent to 239.255.255.250:3702 from every
/// IPv4 network the box is on (and, when the owner typed one, to an address directly), then the ProbeMatches that come
/// back within the wait (only on the named <paramref name="interfaces"/> when there are any). Runs only when the owner
/// presses Search. Answers are read like any camera answer (no DTD,
/// bounded), one per camera and address; an answer that names no usable device address is left out.
/// </summary>
public sealed class OnvifDiscovery(TimeProvider clock, IReadOnlyCollection<string> interfaces)
{
    public const int Port = 3702;
    public static readonly IPAddress Group = IPAddress.Parse("239.255.255.250");
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(2.5);
    private const int MaxAnswers = 256;

    /// <summary>
    /// Probes and collects answers for <see cref="Wait"/>. Every socket is opened and every probe sent before the first
    /// wait, on the caller's thread.
    /// </summary>
    public async Task<IReadOnlyList<FoundCamera>> SearchAsync(IPAddress? unicast = null, CancellationToken cancellationToken = default)
    {
        var messageId = "uuid:" + Guid.NewGuid();
        var probe = Encoding.UTF8.GetBytes(Probe(messageId));
        var sockets = new List<Socket>();
        try
        {
            foreach (var address in LocalAddresses())
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(address, 0));
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, address.GetAddressBytes());
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
                socket.SendTo(probe, new IPEndPoint(Group, Port));
            }

            if (unicast is not null)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Any, 0));
                socket.SendTo(probe, new IPEndPoint(unicast, Port));
            }

            using var timeout = new CancellationTokenSource(Wait, clock);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            var found = new Dictionary<string, FoundCamera>(StringComparer.Ordinal);
            await Task.WhenAll(sockets.Select(s => ReceiveAsync(s, messageId, found, both.Token)));
            cancellationToken.ThrowIfCancellationRequested();
            return [.. found.Values.OrderBy(f => f.DeviceService.Host, StringComparer.Ordinal)];
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>The box's own IPv4 addresses on networks that are up (not loopback, and named when any are): where cameras can be.</summary>
    private IEnumerable<IPAddress> LocalAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback && n.SupportsMulticast)
            .Where(n => interfaces.Count == 0 || interfaces.Contains(n.Name))
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .Distinct();

    private static async Task ReceiveAsync(Socket socket, string messageId, Dictionary<string, FoundCamera> found, CancellationToken cancellationToken)
    {
        var buffer = new byte[65_536];
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP "unreachable" from a unicast probe: nothing there
            }

            var sender = (received.RemoteEndPoint as IPEndPoint)?.Address;
            foreach (var camera in Read(Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes), messageId, sender))
            {
                lock (found)
                {
                    if (found.Count < MaxAnswers)
                    {
                        found.TryAdd(camera.Endpoint + " " + camera.DeviceService, camera);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The cameras in a ProbeMatches answer to <paramref name="messageId"/>; nothing from anything else. Of the device
    /// addresses a camera lists (one per network it is on, IPv6 and link-local ones among them), the one on the address
    /// the answer came from is taken: that is the camera that answered, reachable from here.
    /// </summary>
    internal static IEnumerable<FoundCamera> Read(string text, string messageId, IPAddress? sender = null)
    {
        XDocument answer;
        try
        {
            answer = OnvifXml.Parse(text);
        }
        catch (OnvifException)
        {
            return [];
        }

        if (answer.Text("RelatesTo") is { } relatesTo && relatesTo != messageId)
        {
            return []; // an answer to someone else's probe
        }

        var cameras = new List<FoundCamera>();
        foreach (var match in answer.FindAll("ProbeMatch"))
        {
            var devices = (match.Text("XAddrs") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null)
                .OfType<Uri>().Take(16).ToList();
            var device = devices.FirstOrDefault(u => sender is not null && IPAddress.TryParse(u.Host, out var host) && host.Equals(sender))
                ?? devices.FirstOrDefault();
            if (device is null)
            {
                continue;
            }

            var scopes = (match.Text("Scopes") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            cameras.Add(new FoundCamera(device, Clip(match.Find("EndpointReference")?.Text("Address") ?? device.ToString()),
                Scope(scopes, "name") ?? Scope(scopes, "mfr") ?? "", Scope(scopes, "hardware") ?? ""));
        }

        return cameras;
    }

    /// <summary>The value of an <c>onvif://www.onvif.org/&lt;kind&gt;/&lt;value&gt;</c> scope, unescaped, or null.</summary>
    private static string? Scope(string[] scopes, string kind)
    {
        var prefix = $"onvif://www.onvif.org/{kind}/";
        var scope = scopes.FirstOrDefault(s => s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        return scope is null ? null : Clip(Uri.UnescapeDataString(scope[prefix.Length..]).Replace('_', ' '));
    }

    private static string Clip(string text)
    {
        var clean = new string(text.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length > 100 ? clean[..100] : clean;
    }

    private static string Probe(string messageId) =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
          <s:Header>
            <a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>
            <a:MessageID>{messageId}</a:MessageID>
            <a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>
            <a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>
          </s:Header>
          <s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>
        </s:Envelope>
        """;
}
