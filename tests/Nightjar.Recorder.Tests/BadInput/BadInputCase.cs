using System.Globalization;
using System.Text;

namespace Nightjar.Recorder.Tests.BadInput;

/// <summary>
/// One case of the checked-in bad-input corpus, as pieces of text (which may hold lone surrogates), raw bytes (which
/// may be invalid UTF-8) and markers for slow clients; rendered on demand the way each channel carries it.
/// </summary>
public sealed record BadInputCase(string Kind, string Name, IReadOnlyList<BadInputCase.Piece> Pieces)
{
    public const string TextKind = "text";
    public const string BodyKind = "body";
    public const string SlowKind = "slow";
    public const string Stall = "stall";
    public const string Trickle = "trickle";

    /// <summary>Exactly one of the three is set.</summary>
    public readonly record struct Piece(string? Text, byte? Raw, string? Marker);

    public override string ToString() => $"{Kind}:{Name}";

    /// <summary>The bytes a client sends: UTF-8, with lone surrogates encoded as their three bytes (as broken clients do).</summary>
    public byte[] Bytes()
    {
        var bytes = new List<byte>();
        foreach (var piece in Pieces)
        {
            if (piece.Raw is { } raw)
            {
                bytes.Add(raw);
            }
            else if (piece.Text is { } text)
            {
                AppendUtf8(bytes, text);
            }
        }

        return [.. bytes];
    }

    /// <summary>What a field receives: raw bytes decoded as UTF-8 would be on the server, lone surrogates kept (a browser can send them).</summary>
    public string Text()
    {
        var text = new StringBuilder();
        var pending = new List<byte>();
        foreach (var piece in Pieces)
        {
            if (piece.Raw is { } raw)
            {
                pending.Add(raw);
                continue;
            }

            text.Append(Encoding.UTF8.GetString([.. pending]));
            pending.Clear();
            text.Append(piece.Text);
        }

        return text.Append(Encoding.UTF8.GetString([.. pending])).ToString();
    }

    /// <summary>A JSON string literal holding the value: special characters escaped, raw bytes left raw (so invalid UTF-8 stays invalid).</summary>
    public byte[] JsonString()
    {
        var bytes = new List<byte> { (byte)'"' };
        foreach (var piece in Pieces)
        {
            if (piece.Raw is { } raw)
            {
                bytes.Add(raw);
                continue;
            }

            var text = piece.Text ?? "";
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    AppendUtf8(bytes, text.Substring(i++, 2));
                }
                else if (c is '"' or '\\' or < ' ' || char.IsSurrogate(c))
                {
                    bytes.AddRange(Encoding.ASCII.GetBytes("\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)));
                }
                else
                {
                    AppendUtf8(bytes, c.ToString());
                }
            }
        }

        bytes.Add((byte)'"');
        return [.. bytes];
    }

    /// <summary>The bytes percent-encoded for a URL path segment or a form field.</summary>
    public string PercentEncoded()
    {
        var text = new StringBuilder();
        foreach (var b in Bytes())
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static void AppendUtf8(List<byte> bytes, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text.Substring(i++, 2)));
            }
            else if (char.IsSurrogate(c))
            {
                bytes.Add((byte)(0xE0 | (c >> 12)));
                bytes.Add((byte)(0x80 | ((c >> 6) & 0x3F)));
                bytes.Add((byte)(0x80 | (c & 0x3F)));
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
    }
}
