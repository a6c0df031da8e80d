using Nightjar.Recorder.Accounts;
using Xunit;

namespace Nightjar.Recorder.Tests.Accounts;

public class PasswordPolicyTests
{
    private static bool Met(string password, PasswordRule rule) =>
        PasswordPolicy.Evaluate(password, AdminAccount.UserName).Single(r => r.Rule == rule).Met;

    [Theory]
    [InlineData("", false)]
    [InlineData("abcdefg", false)]
    [InlineData("abcdefgh", true)]
    public void MinimumLength_CountsCharacters(string password, bool met) =>
        Assert.Equal(met, Met(password, PasswordRule.MinimumLength));

    [Fact]
    public void Length_CountsCodePointsNotUtf16Units()
    {
        // Seven emoji are 14 UTF-16 units but 7 characters: too short.
        Assert.False(Met(string.Concat(Enumerable.Repeat("🦉", 7)), PasswordRule.MinimumLength));
        Assert.True(Met(string.Concat(Enumerable.Repeat("🦉", 8)), PasswordRule.MinimumLength));
    }

    [Fact]
    public void MaximumLength_Is64()
    {
        Assert.True(Met(new string('x', 64), PasswordRule.MaximumLength));
        Assert.False(Met(new string('x', 65), PasswordRule.MaximumLength));
        Assert.False(Met(new string('x', 10_000), PasswordRule.MaximumLength));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("ADMIN")]
    [InlineData(" admin ")]
    [InlineData("ａｄｍｉｎ")] // full-width letters are "admin" after NFKC
    public void NotUserName_RefusesTheUserNameInAnyForm(string password) =>
        Assert.False(Met(password, PasswordRule.NotUserName));

    [Theory]
    [InlineData("password")]
    [InlineData("password1")]
    [InlineData("12345678")]
    [InlineData("qwertyuiop")]
    [InlineData("nightjar123")]
    [InlineData("iloveyou2")]
    public void HardToGuess_RefusesCommonPasswords(string password) =>
        Assert.False(Met(password, PasswordRule.HardToGuess));

    [Theory]
    [InlineData("violet-comet-4821")]
    [InlineData("correct horse battery staple")]
    [InlineData("Kx9#mQ2$vL7p")]
    public void HardToGuess_AcceptsStrongPasswords(string password) =>
        Assert.True(PasswordPolicy.IsAcceptable(password, AdminAccount.UserName));

    [Fact]
    public void NoControlCharacters_RefusesLineBreaksAndNul()
    {
        Assert.False(Met("violet-comet\r\n4821", PasswordRule.NoControlCharacters));
        Assert.False(Met("violet-comet\04821", PasswordRule.NoControlCharacters));
        Assert.True(Met("violet comet 4821", PasswordRule.NoControlCharacters));
    }

    [Fact]
    public void Normalize_MakesCompatibilityFormsEqual()
    {
        // "ﬁ" (U+FB01) and full-width digits become "fi" and ASCII digits under NFKC.
        Assert.Equal("fire-4821", PasswordPolicy.Normalize("ﬁre-４８２１"));
    }

    [Fact]
    public void Evaluate_ReportsEveryRuleSeparately()
    {
        var results = PasswordPolicy.Evaluate("abc", AdminAccount.UserName);
        Assert.Equal(Enum.GetValues<PasswordRule>().Order(), results.Select(r => r.Rule).Order());
        Assert.All(results, r => Assert.False(string.IsNullOrWhiteSpace(r.Prompt)));
    }

    [Fact]
    public void Evaluate_NullIsAnEmptyPassword() =>
        Assert.False(PasswordPolicy.IsAcceptable(null, AdminAccount.UserName));
}
