using System.Security.Cryptography;
using System.Text;
using Nightjar.Recorder.Security;

namespace Nightjar.Recorder.Recovery;

/// <summary>
/// The Recovery Key shown once at setup: 25 Crockford symbols (125 random bits) in five groups. It proves the
/// person holds the paper it was written on. Only a SHA-256 of it is stored; with 125 bits of entropy a slow hash
/// adds nothing, and a plain hash cannot be reversed.
/// </summary>
public static class RecoveryKey
{
    public const int Symbols = 25;

    public static string New() => Crockford32.Group(Crockford32.Random(Symbols), 5);

    /// <summary>Hash of the typed key after normalisation, or null when it cannot be a key at all.</summary>
    public static string? HashOf(string? typed)
    {
        var symbols = Crockford32.Normalize(typed, Symbols);
        return symbols is { Length: Symbols }
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(symbols)))
            : null;
    }
}
