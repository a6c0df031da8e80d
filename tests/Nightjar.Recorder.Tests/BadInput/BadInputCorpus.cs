using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Nightjar.Recorder.Tests.BadInput;

/// <summary>Reads <c>bad-input.corpus</c> (format in its header) from beside the test assembly.</summary>
public static partial class BadInputCorpus
{
    private static readonly Lazy<IReadOnlyList<BadInputCase>> Cases = new(Load);

    public static IReadOnlyList<BadInputCase> All => Cases.Value;

    public static IEnumerable<BadInputCase> OfKind(string kind) => All.Where(c => c.Kind == kind);

    [GeneratedRegex(@"^(.*?)\*(\d+)\}")]
    private static partial Regex Repetition();

    private static List<BadInputCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "BadInput", "bad-input.corpus");
        var cases = new List<BadInputCase>();
        foreach (var (line, number) in File.ReadAllLines(path, Encoding.UTF8).Select((l, i) => (l, i + 1)))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('\t', 3);
            if (parts.Length != 3 || parts[0] is not (BadInputCase.TextKind or BadInputCase.BodyKind or BadInputCase.SlowKind))
            {
                throw new FormatException($"bad-input.corpus line {number}: expected <kind> TAB <name> TAB <payload>.");
            }

            var pieces = Parse(parts[2], number);
            if (parts[0] == BadInputCase.SlowKind)
            {
                pieces = [.. pieces.SelectMany(p => p.Text is { } t ? [p with { Text = t.Replace("\n", "\r\n", StringComparison.Ordinal) }] : new[] { p })];
            }

            cases.Add(new BadInputCase(parts[0], parts[1], pieces));
        }

        var duplicate = cases.GroupBy(c => c.ToString()).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? cases : throw new FormatException($"bad-input.corpus: {duplicate.Key} appears twice.");
    }

    private static List<BadInputCase.Piece> Parse(string payload, int line)
    {
        var pieces = new List<BadInputCase.Piece>();
        var text = new StringBuilder();
        void Flush()
        {
            if (text.Length > 0)
            {
                pieces.Add(new BadInputCase.Piece(text.ToString(), null, null));
                text.Clear();
            }
        }

        for (var i = 0; i < payload.Length; i++)
        {
            if (payload[i] != '\\' || i + 1 == payload.Length)
            {
                text.Append(payload[i]);
                continue;
            }

            var next = payload[++i];
            switch (next)
            {
                case '\\': text.Append('\\'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case '0': text.Append('\0'); break;
                case 'x':
                    Flush();
                    pieces.Add(new BadInputCase.Piece(null, byte.Parse(payload.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture), null));
                    i += 2;
                    break;
                case 'u':
                    var close = payload.IndexOf('}', i);
                    var codePoint = int.Parse(payload.AsSpan(i + 2, close - i - 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    text.Append(codePoint is >= 0xD800 and <= 0xDFFF ? ((char)codePoint).ToString() : char.ConvertFromUtf32(codePoint));
                    i = close;
                    break;
                case '{' when payload.AsSpan(i + 1).StartsWith(BadInputCase.Stall + "}") || payload.AsSpan(i + 1).StartsWith(BadInputCase.Trickle + "}"):
                    Flush();
                    var marker = payload.AsSpan(i + 1).StartsWith(BadInputCase.Stall) ? BadInputCase.Stall : BadInputCase.Trickle;
                    pieces.Add(new BadInputCase.Piece(null, null, marker));
                    i += marker.Length + 1;
                    break;
                case '{':
                    var match = Repetition().Match(payload, i + 1, payload.Length - i - 1);
                    if (!match.Success || match.Index != i + 1)
                    {
                        throw new FormatException($"bad-input.corpus line {line}: \\{{ must be \\{{X*N}}.");
                    }

                    Flush();
                    var unit = Parse(match.Groups[1].Value, line);
                    var times = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                    if (unit.All(p => p.Text is not null))
                    {
                        // One long text piece rather than a million one-character ones.
                        text.Insert(0, string.Concat(Enumerable.Repeat(string.Concat(unit.Select(p => p.Text)), times)));
                        Flush();
                    }
                    else
                    {
                        for (var n = 0; n < times; n++)
                        {
                            pieces.AddRange(unit);
                        }
                    }

                    i += match.Length;
                    break;
                default:
                    throw new FormatException($"bad-input.corpus line {line}: unknown escape \\{next}.");
            }
        }

        Flush();
        return pieces;
    }
}
