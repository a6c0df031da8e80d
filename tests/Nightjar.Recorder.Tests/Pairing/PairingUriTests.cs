using Nightjar.Contracts;
using Xunit;

namespace Nightjar.Recorder.Tests.Pairing;

public class PairingUriTests
{
    private const string Fingerprint = "3f1c2b9a0d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

    [Theory]
    [InlineData("nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint, "192.168.1.20", 8443)]
    [InlineData("nightjar://pair?fp=sha256:" + Fingerprint + "&host=nvr.local:443&id=NJ-7F3K-Q9D2", "nvr.local", 443)]
    [InlineData("nightjar://pair?id=NJ-7F3K-Q9D2&host=[fe80::1]:8443&fp=sha256:" + Fingerprint, "fe80::1", 8443)]
    public void Valid_Parses(string text, string host, int port)
    {
        Assert.True(PairingUri.TryParse(text, out var pairing, out var error), error);
        Assert.Equal("NJ-7F3K-Q9D2", pairing!.DeviceId);
        Assert.Equal(host, pairing.Host);
        Assert.Equal(port, pairing.Port);
        Assert.Equal(Fingerprint, pairing.Sha256Fingerprint);
    }

    public static TheoryData<string> PastedSpellings() => new()
    {
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint.ToUpperInvariant(),
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=SHA256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Colons(Fingerprint.ToUpperInvariant()),
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=" + Colons(Fingerprint),
        "  nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint + "\n",
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint + " \r\n",
    };

    private static string Colons(string hex) => string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));

    [Theory]
    [MemberData(nameof(PastedSpellings))]
    public void WhatOwnersPaste_Parses_ToTheSameFingerprint(string text)
    {
        Assert.True(PairingUri.TryParse(text, out var pairing, out var error), error);
        Assert.Equal(Fingerprint, pairing!.Sha256Fingerprint);
    }

    [Fact]
    public void Format_ThenParse_RoundTrips()
    {
        foreach (var original in new[]
        {
            new PairingUri("NJ-7F3K-Q9D2", "192.168.1.20", 8443, Fingerprint),
            new PairingUri("NJ-0000-ZZZZ", "fe80::1", 1, Fingerprint),
            new PairingUri("NJ-ABCD-EFGH", "nvr.example.com", 65535, Fingerprint),
        })
        {
            Assert.True(PairingUri.TryParse(original.ToString(), out var parsed, out var error), error);
            Assert.Equal(original, parsed);
        }
    }

    public static TheoryData<string?> Malformed() => new()
    {
        null,
        "",
        "   ",
        "https://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint,
        "nightjar://connect?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?host=192.168.1.20:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443",
        "nightjar://pair?id=NJ-7F3K-Q9D2&id=NJ-7F3K-Q9D3&host=192.168.1.20:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint + "&extra=1",
        "nightjar://pair?id=XX-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9DU&host=192.168.1.20:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:0&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:65536&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=bad host:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=fe80::1:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha1:" + Fingerprint[..40],
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint[..63],
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint + "ab",
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=" + Colons(Fingerprint)[..92],
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha1:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint[..31] + ":" + Fingerprint[31..],
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint[..62] + "zz",
        "nightjar://pair?id=NJ-7F3K-Q9D2\r\n&host=192.168.1.20:8443&fp=sha256:" + Fingerprint,
        "nightjar://pair?id=NJ-7F3K-Q9D2&host=192.168.1.20:8443&fp=sha256:" + Fingerprint + new string('a', 600),
        "nightjar://pair?=x&host=192.168.1.20:8443&fp=sha256:" + Fingerprint,
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_IsRefused_WithAReason(string? text)
    {
        Assert.False(PairingUri.TryParse(text, out var pairing, out var error));
        Assert.Null(pairing);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
