using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Nightjar.Contracts;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Identity;

namespace Nightjar.Recorder.Pairing;

/// <summary>
/// The pairing URI shown on Settings → Mobile App: the address a phone on the LAN would use
/// (<c>Nightjar:Api:PublicHost</c>, else the API listener's own address, else the box's first LAN IPv4
/// address), the device id and the certificate fingerprint.
/// </summary>
public sealed class PairingAddress(IOptions<RecorderOptions> options, IConfiguration configuration, DeviceCertificate certificate, RecorderIdentityStore devices)
{
    public async Task<PairingUri> GetAsync()
    {
        RecorderOptionsValidator.TryParseListener(options.Value.Api.Url, "https", out var api, out _);
        var configured = configuration["Nightjar:Api:PublicHost"];
        var host = !string.IsNullOrWhiteSpace(configured) ? configured.Trim()
            : !api.Address.Equals(IPAddress.Any) && !api.Address.Equals(IPAddress.IPv6Any) ? api.Address.ToString()
            : FirstLanAddress()?.ToString() ?? "127.0.0.1";
        var device = await devices.GetAsync();
        return new PairingUri(device.DeviceId, host, api.Port, certificate.Sha256Fingerprint);
    }

    private static IPAddress? FirstLanAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
