using System.Security.Cryptography;
using Nightjar.Recorder.Recovery;
using Xunit;

namespace Nightjar.Recorder.Tests.Recovery;

public class SecureCodeTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void New_Is8CrockfordSymbols_40Bits()
    {
        var code = SecureCode.New();
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{8}$", code);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", SecureCode.Display(code));
    }

    [Fact]
    public void AnyFormattingOfTheCode_Matches()
    {
        var code = "K7Q29MZD";
        var mac = SecureCode.Mac(Secret, "req-1", code)!;
        foreach (var typed in new[] { "K7Q2-9MZD", "k7q2 9mzd", " k7q2-9mzd ", "K7Q29MZD" })
        {
            Assert.True(SecureCode.Matches(Secret, "req-1", typed, mac), typed);
        }
    }

    [Fact]
    public void OAndIAndL_ReadAsDigits()
    {
        var mac = SecureCode.Mac(Secret, "req-1", "10Q29MZD")!;
        Assert.True(SecureCode.Matches(Secret, "req-1", "lOQ2-9MZD", mac));
        Assert.True(SecureCode.Matches(Secret, "req-1", "IOQ2-9MZD", mac));
    }

    [Theory]
    [InlineData("K7Q2-9MZE")]
    [InlineData("K7Q2-9MZ")]
    [InlineData("K7Q2-9MZDD")]
    [InlineData("")]
    [InlineData("K7Q2\r\n9MZD")]
    public void AnythingElse_DoesNotMatch(string typed)
    {
        var mac = SecureCode.Mac(Secret, "req-1", "K7Q29MZD")!;
        Assert.False(SecureCode.Matches(Secret, "req-1", typed, mac));
    }

    [Fact]
    public void TheMac_IsBoundToTheRequest_AndTheDeviceSecret()
    {
        var mac = SecureCode.Mac(Secret, "req-1", "K7Q29MZD")!;
        Assert.False(SecureCode.Matches(Secret, "req-2", "K7Q29MZD", mac));
        Assert.False(SecureCode.Matches(RandomNumberGenerator.GetBytes(32), "req-1", "K7Q29MZD", mac));
    }

    [Fact]
    public void Codes_AreNotRepeated()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => SecureCode.New()).ToHashSet();
        Assert.True(codes.Count >= 1999);
    }
}
