using System.Security.Cryptography;
using System.Text;
using Nightjar.Recorder.Security;

namespace Nightjar.Recorder.Recovery;

/// <summary>
/// The emailed Secure Code: 8 Crockford symbols (40 bits from the CSPRNG), shown as <c>K7Q2-9MZD</c>. Only an
/// HMAC-SHA256 of it, keyed with the device secret and bound to its request id, is stored; a guess is checked
/// by recomputing that HMAC and comparing in constant time.
/// </summary>
public static class SecureCode
{
    public const int Symbols = 8;

    public static string New() => Crockford32.Random(Symbols);

    public static string Display(string code) => Crockford32.Group(code, 4);

    /// <summary>The HMAC of a typed code for one request, or null when the typing cannot be a code.</summary>
    public static byte[]? Mac(byte[] deviceSecret, string requestId, string? typed)
    {
        var symbols = Crockford32.Normalize(typed, Symbols);
        if (symbols is not { Length: Symbols })
        {
            return null;
        }

        return HMACSHA256.HashData(deviceSecret, Encoding.ASCII.GetBytes(requestId + ":" + symbols));
    }

    public static bool Matches(byte[] deviceSecret, string requestId, string? typed, byte[] storedMac) =>
        Mac(deviceSecret, requestId, typed) is { } mac && CryptographicOperations.FixedTimeEquals(mac, storedMac);
}
