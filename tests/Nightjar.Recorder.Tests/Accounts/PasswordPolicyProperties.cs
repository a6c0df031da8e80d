using System.Text;
using CsCheck;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Xunit;

namespace Nightjar.Recorder.Tests.Accounts;

/// <summary>
/// The same password typed different ways — full-width forms from an IME, decomposed accents from a phone,
/// ligatures — is the same password: the rules give the same verdicts, and the stored hash accepts every form.
/// </summary>
public class PasswordPolicyProperties
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&*+-./:;=?@_~ éüñçÅøßàÉ";

    private static readonly Gen<string> Password = Gen.Char[Letters].Array[0, 40].Select(c => new string(c));

    /// <summary>One character written in an NFKC-equivalent way.</summary>
    private static Gen<string> Variant(char c)
    {
        var forms = new List<string> { c.ToString(), c.ToString().Normalize(NormalizationForm.FormD) };
        if (c is > ' ' and <= '~')
        {
            forms.Add(((char)(c - 0x21 + 0xFF01)).ToString()); // the full-width form
        }

        return Gen.OneOf(forms.ToArray());
    }

    private static readonly Gen<(string Password, string Variant)> PasswordAndVariant = Password.SelectMany(password =>
        password.Select(Variant).Aggregate(Gen.Const(""), (sofar, next) => Gen.Select(sofar, next, (a, b) => a + b))
            .Select(variant => (password, variant)));

    [Fact]
    public void EquivalentTypings_GetTheSameVerdicts() =>
        PasswordAndVariant.Sample((password, variant) =>
            Verdicts(password).SequenceEqual(Verdicts(variant)),
            iter: 100);

    [Fact]
    public void Ligatures_AndCompatibilityForms_CountAsTheirLetters()
    {
        Assert.Equal(Verdicts("office-lantern-4821"), Verdicts("o\uFB03ce-lantern-4821")); // "ffi" ligature
        Assert.Equal(Verdicts("violet-comet-4821"), Verdicts("violet-comet-482\u2460")); // circled digit one
    }

    [Fact]
    public async Task TheHash_OfOneTyping_AcceptsEveryEquivalentTyping()
    {
        using var hasher = new PasswordHasher(Options.Create(new AccountOptions()));
        var typings = PasswordAndVariant.Where(p => p.Password.Length >= 8);
        await typings.SampleAsync(async (password, variant) =>
        {
            var hash = await hasher.HashAsync(PasswordPolicy.Normalize(password));
            Assert.Equal(PasswordVerification.Match, await hasher.VerifyAsync(hash!, PasswordPolicy.Normalize(variant)));
        }, iter: 8, threads: 1);
    }

    private static bool[] Verdicts(string password) => PasswordPolicy.Evaluate(password, AdminAccount.UserName).Select(r => r.Met).ToArray();
}
