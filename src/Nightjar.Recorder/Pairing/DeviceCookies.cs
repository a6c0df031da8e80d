using System.Security.Cryptography;
using System.Text;
using Nightjar.Recorder.Security;

namespace Nightjar.Recorder.Pairing;

/// <summary>
/// OWASP's device cookie for app sign-ins: after a right password the app is given <c>id.mac</c> (a random id and its
/// HMAC under a device secret) and sends it with its next sign-ins. Holding one proves the app signed in here
/// before, which earns it its own wrong-password allowance (<see cref="ApiLoginThrottle"/>). It grants nothing else:
/// it is not a token and opens no route.
/// </summary>
public sealed class DeviceCookies(DeviceSecret secrets)
{
    private const int IdBytes = 16;
    private const int MacHexLength = 32;

    public async Task<string> IssueAsync()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        return id + "." + MacOf(await secrets.GetAsync(DeviceSecret.DeviceCookies), id);
    }

    /// <summary>The cookie's id when <paramref name="cookie"/> is one this recorder issued; otherwise null.</summary>
    public async Task<string?> ReadAsync(string? cookie)
    {
        if (cookie is not { Length: IdBytes * 2 + 1 + MacHexLength } || cookie[IdBytes * 2] != '.')
        {
            return null;
        }

        var id = cookie[..(IdBytes * 2)];
        var expected = MacOf(await secrets.GetAsync(DeviceSecret.DeviceCookies), id);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(cookie[(IdBytes * 2 + 1)..]))
            ? id
            : null;
    }

    private static string MacOf(byte[] key, string id) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("device-cookie:" + id)))[..MacHexLength];
}
