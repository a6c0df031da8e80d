using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Security;
using Xunit;

namespace Nightjar.Recorder.Tests.Recovery;

/// <summary>
/// What a person may type for a Secure Code: any case, spaces or dashes anywhere, O for 0 and I or L for 1 — and
/// nothing else. Every such typing of the right code verifies; every string that is not one does not.
/// </summary>
public class SecureCodeProperties
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private const string RequestId = "0123456789abcdef0123456789abcdef";

    private static readonly Gen<string> Code = Gen.Char[Crockford32.Alphabet].Array[SecureCode.Symbols].Select(s => new string(s));

    /// <summary>One symbol as someone might type it: the canonical symbol, lower case, or a look-alike letter.</summary>
    private static Gen<string> Typed(char symbol) => symbol switch
    {
        '0' => Gen.OneOf("0", "O", "o"),
        '1' => Gen.OneOf("1", "I", "i", "L", "l"),
        _ => Gen.OneOf(symbol.ToString(), char.ToLowerInvariant(symbol).ToString()),
    };

    private static readonly Gen<string> Separator = Gen.OneOf("", "", "", " ", "-", "  ", " - ");

    /// <summary>A code and one way of typing it.</summary>
    private static readonly Gen<(string Code, string Typing)> CodeAndTyping = Code.SelectMany(code =>
        Gen.Select(
            code.Select(Typed).Aggregate(Gen.Const(""), (sofar, next) =>
                Gen.Select(sofar, Separator, next, (a, sep, b) => a + sep + b)),
            Separator,
            (body, trailing) => (code, body + trailing)));

    [Fact]
    public void AnyTypingOfTheRightCode_Verifies() =>
        CodeAndTyping.Sample((code, typing) =>
            SecureCode.Matches(Secret, RequestId, typing, MacOf(code)),
            iter: 2_000);

    [Fact]
    public void OneSymbolChanged_DroppedOrAdded_DoesNotVerify()
    {
        var mutation = Gen.Select(Code, Gen.Int[0, SecureCode.Symbols - 1], Gen.Char[Crockford32.Alphabet], Gen.Int[0, 2]);
        mutation.Sample((code, position, symbol, kind) =>
        {
            var other = kind switch
            {
                0 => code[..position] + symbol + code[(position + 1)..],
                1 => code.Remove(position, 1),
                _ => code.Insert(position, symbol.ToString()),
            };
            return other == code || !SecureCode.Matches(Secret, RequestId, other, MacOf(code));
        }, iter: 2_000);
    }

    [Fact]
    public void AnyStringThatNormalisesToSomethingElse_DoesNotVerify()
    {
        // Arbitrary text, biased towards code-like characters so that near misses are common.
        var noise = Gen.Frequency<char>(
            (4, Gen.Char[Crockford32.Alphabet + "abcdefghjkmnpqrstvwxyz oOiIlL-"]),
            (1, Gen.Char));
        var text = noise.Array[0, 30].Select(c => new string(c));
        Gen.Select(Code, text).Sample((code, typed) =>
        {
            var verifies = SecureCode.Matches(Secret, RequestId, typed, MacOf(code));
            return verifies == (Crockford32.Normalize(typed, SecureCode.Symbols) == code);
        }, iter: 5_000);
    }

    [Fact]
    public void TheRightCode_DoesNotVerify_ForAnotherRequest() =>
        Code.Sample(code => !SecureCode.Matches(Secret, "another-request", code, MacOf(code)), iter: 500);

    [Fact]
    public void NormalisedSymbols_AreAlwaysFromTheAlphabet() =>
        Gen.String.Sample(typed =>
            Crockford32.Normalize(typed, SecureCode.Symbols) is not { } symbols
            || (symbols.Length <= SecureCode.Symbols && symbols.All(c => Crockford32.Alphabet.Contains(c, StringComparison.Ordinal))),
            iter: 5_000);

    private static byte[] MacOf(string code) => SecureCode.Mac(Secret, RequestId, code)!;

    [Fact]
    public void TheMacIsOverCanonicalAscii() =>
        Assert.Equal(
            HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes(RequestId + ":K7Q29MZD")),
            SecureCode.Mac(Secret, RequestId, "k7q2-9mzd"));
}
