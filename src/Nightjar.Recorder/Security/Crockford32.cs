using System.Security.Cryptography;
using System.Text;

namespace Nightjar.Recorder.Security;

/// <summary>
/// Crockford's base32: digits and upper-case letters without I, L, O and U, so a code read off a screen or an
/// email survives being typed on the on-screen keyboard. Each symbol carries 5 bits.
/// </summary>
public static class Crockford32
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Draws <paramref name="symbols"/> symbols from the CSPRNG (5 bits each, no modulo bias: 32 divides 256).</summary>
    public static string Random(int symbols)
    {
        Span<byte> bytes = stackalloc byte[symbols];
        RandomNumberGenerator.Fill(bytes);
        var text = new StringBuilder(symbols);
        foreach (var b in bytes)
        {
            text.Append(Alphabet[b & 31]);
        }

        return text.ToString();
    }

    /// <summary>Groups symbols for reading, e.g. <c>K7Q29MZD</c> → <c>K7Q2-9MZD</c>.</summary>
    public static string Group(string symbols, int groupSize)
    {
        var text = new StringBuilder(symbols.Length + (symbols.Length / groupSize));
        for (var i = 0; i < symbols.Length; i++)
        {
            if (i > 0 && i % groupSize == 0)
            {
                text.Append('-');
            }

            text.Append(symbols[i]);
        }

        return text.ToString();
    }

    /// <summary>
    /// Reads what a person typed: case-insensitive, spaces and dashes ignored, O read as 0 and I/L as 1.
    /// Returns null when any other character is present or the input is longer than <paramref name="maxSymbols"/>.
    /// </summary>
    public static string? Normalize(string? typed, int maxSymbols)
    {
        // Generous room for spacing ("K7Q2 - 9MZD", pasted with padding) while still bounding the work.
        if (typed is null || typed.Length > maxSymbols * 8)
        {
            return null;
        }

        var text = new StringBuilder(maxSymbols);
        foreach (var c in typed)
        {
            var symbol = char.ToUpperInvariant(c) switch
            {
                ' ' or '-' => '\0',
                'O' => '0',
                'I' or 'L' => '1',
                var upper when Alphabet.Contains(upper, StringComparison.Ordinal) => upper,
                _ => '?',
            };
            if (symbol == '?')
            {
                return null;
            }

            if (symbol != '\0')
            {
                text.Append(symbol);
            }
        }

        return text.Length <= maxSymbols ? text.ToString() : null;
    }
}
