using System.Net;
using CsCheck;
using Nightjar.Contracts;
using Xunit;

namespace Nightjar.Recorder.Tests.Pairing;

/// <summary>
/// The QR code's text: whatever the recorder formats, an app parses back to the same device, address and
/// fingerprint; and whatever text an app is handed either is refused with a reason or formats back to itself.
/// </summary>
public class PairingUriProperties
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static readonly Gen<string> DeviceId = Gen.Char[Crockford].Array[8].Select(s => $"NJ-{new string(s, 0, 4)}-{new string(s, 4, 4)}");

    private static readonly Gen<string> Fingerprint = Gen.Char["0123456789abcdef"].Array[64].Select(s => new string(s));

    private static readonly Gen<string> IPv4 = Gen.Byte.Array[4].Select(b => new IPAddress(b).ToString());

    private static readonly Gen<string> IPv6 = Gen.Byte.Array[16].Select(b => new IPAddress(b).ToString())
        .Where(text => text.Contains(':', StringComparison.Ordinal)); // an IPv4-mapped address prints as IPv4

    private static readonly Gen<string> HostName = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[1, 12]
        .Select(s => new string(s)).Array[1, 4].Select(labels => string.Join('.', labels))
        .Where(name => Uri.CheckHostName(name) == UriHostNameType.Dns);

    private static readonly Gen<PairingUri> Pairing = Gen.Select(
        DeviceId, Gen.OneOf(IPv4, IPv6, HostName), Gen.Int[1, 65535], Fingerprint,
        (id, host, port, fp) => new PairingUri(id, host, port, fp));

    [Fact]
    public void Format_ThenParse_GivesTheSamePairing() =>
        Pairing.Sample(original =>
            PairingUri.TryParse(original.ToString(), out var parsed, out _) && parsed == original,
            iter: 5_000);

    [Fact]
    public void AnyText_IsRefusedWithAReason_OrRoundTrips()
    {
        // Valid URIs with one character replaced, inserted or removed, plus arbitrary text.
        var mangled = Gen.Select(Pairing, Gen.Int[0, 400], Gen.Char, Gen.Int[0, 2], (pairing, at, c, kind) =>
        {
            var text = pairing.ToString();
            at %= text.Length;
            return kind switch
            {
                0 => text[..at] + c + text[(at + 1)..],
                1 => text.Insert(at, c.ToString()),
                _ => text.Remove(at, 1),
            };
        });
        Gen.OneOf(mangled, Gen.String).Sample(text =>
        {
            if (!PairingUri.TryParse(text, out var parsed, out var error))
            {
                return parsed is null && error.Length > 0;
            }

            return PairingUri.TryParse(parsed!.ToString(), out var again, out _) && again == parsed;
        }, iter: 20_000);
    }
}
