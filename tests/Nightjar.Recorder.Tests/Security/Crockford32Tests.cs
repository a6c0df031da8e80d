using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Security;
using Xunit;

namespace Nightjar.Recorder.Tests.Security;

public class Crockford32Tests
{
    [Theory]
    [InlineData("K7Q2-9MZD", "K7Q29MZD")]
    [InlineData("k7q2 9mzd", "K7Q29MZD")]
    [InlineData(" k7q2--9mzd ", "K7Q29MZD")]
    [InlineData("OIL0", "0110")]
    [InlineData("oil", "011")]
    public void Normalize_ReadsWhatAPersonTypes(string typed, string expected) =>
        Assert.Equal(expected, Crockford32.Normalize(typed, 8));

    [Theory]
    [InlineData("K7Q2-9MZU")] // U is not in the alphabet
    [InlineData("K7Q2_9MZD")]
    [InlineData("K7Q2\r\n9MZD")]
    [InlineData("K7Q29MZDX")] // one symbol too many
    [InlineData("ＫＱ")] // full-width letters are not accepted silently
    [InlineData(null)]
    public void Normalize_RefusesAnythingElse(string? typed) =>
        Assert.Null(Crockford32.Normalize(typed, 8));

    [Fact]
    public void Normalize_HugeInput_IsRefusedCheaply() =>
        Assert.Null(Crockford32.Normalize(new string('-', 1_000_000), 8));

    [Fact]
    public void Random_UsesOnlyTheAlphabet_AndEverySymbol()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(_ => Crockford32.Random(25)));
        Assert.All(text, c => Assert.Contains(c, Crockford32.Alphabet));
        Assert.Equal(32, text.Distinct().Count());
    }

    [Fact]
    public void Group_SplitsWithDashes() =>
        Assert.Equal("K7Q2-9MZD", Crockford32.Group("K7Q29MZD", 4));

    [Fact]
    public void RecoveryEmail_Mask_ShowsFirstLetterAndDomain() =>
        Assert.Equal("j•••@example.com", RecoveryEmail.Mask("jane.doe@example.com"));
}
