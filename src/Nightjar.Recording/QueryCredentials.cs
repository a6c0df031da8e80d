using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Nightjar.Recording;

/// <summary>
/// User names and passwords that many cheap cameras take in the stream URL's query (<c>?user=admin&amp;password=…</c>;
/// also <c>username</c>, <c>usr</c>, <c>pwd</c>, <c>pass</c> and <c>passwd</c>, in any case). They are credentials like
/// those before the host: a URL that is stored, shown or logged keeps each such parameter, so the owner sees where the
/// camera takes them, but with an empty value; only the URL handed to ffmpeg has them filled in
/// (<see cref="StreamEndpoint"/>).
/// </summary>
public static partial class QueryCredentials
{
    private static readonly string[] UserNameParameters = ["user", "username", "usr"];
    private static readonly string[] PasswordParameters = ["password", "pwd", "pass", "passwd"];

    /// <summary>Characters a query value may hold as they are; kept so that a value pasted from a camera's manual reaches it as it was typed.</summary>
    private const string KeptAsTyped = "-._~!$'()*+,;:@/?";

    /// <summary>The user names and passwords a query holds, percent-decoded, in order; empty values are left out.</summary>
    /// <param name="query">A URL's query with its '?' (<see cref="Uri.Query"/>), or "".</param>
    public static (IReadOnlyList<string> UserNames, IReadOnlyList<string> Passwords) Read(string query)
    {
        List<string> userNames = [], passwords = [];
        foreach (var (name, value) in Parameters(query))
        {
            if (value.Length > 0 && IsUserName(name))
            {
                userNames.Add(Uri.UnescapeDataString(value));
            }
            else if (value.Length > 0 && IsPassword(name))
            {
                passwords.Add(Uri.UnescapeDataString(value));
            }
        }

        return (userNames, passwords);
    }

    /// <summary>The query with every credential parameter's value taken out (the parameter stays, as "password=").</summary>
    /// <param name="query">A URL's query with its '?' (<see cref="Uri.Query"/>), or "".</param>
    public static string WithoutValues(string query) => Rewrite(query, (_, _) => "");

    /// <summary>
    /// The query with each empty credential parameter set to <paramref name="userName"/> or <paramref name="password"/>
    /// (percent-encoded where a query value needs it). A value already there is left as it is (a camera saved by an
    /// older version, before its credentials were moved out); so are the other parameters and their order.
    /// </summary>
    /// <param name="query">A URL's query with its '?' (<see cref="Uri.Query"/>), or "".</param>
    public static string Fill(string query, string userName, string password) =>
        Rewrite(query, (isPassword, value) => value.Length > 0 ? value : EscapeValue(isPassword ? password : userName));

    /// <summary>Replaces every credential value in a line that may hold a URL (ffmpeg's messages) with "***".</summary>
    internal static string Redact(string line) =>
        QueryParameter().Replace(line, m => IsUserName(m.Groups[2].Value) || IsPassword(m.Groups[2].Value) ? m.Groups[1].Value + "***" : m.Value);

    /// <summary>A credential as it is written into a query value.</summary>
    internal static string EscapeValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || KeptAsTyped.Contains(c, StringComparison.Ordinal)))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Each credential parameter's value replaced by <paramref name="valueFor"/>(is it a password, its value as written).</summary>
    private static string Rewrite(string query, Func<bool, string, string> valueFor)
    {
        if (query.Length <= 1)
        {
            return query;
        }

        var parts = query[1..].Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? "" : parts[i][..equals];
            if (IsUserName(name) || IsPassword(name))
            {
                parts[i] = name + "=" + valueFor(IsPassword(name), parts[i][(equals + 1)..]);
            }
        }

        return "?" + string.Join('&', parts);
    }

    private static IEnumerable<(string Name, string Value)> Parameters(string query)
    {
        foreach (var part in query.TrimStart('?').Split('&'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                yield return (part[..equals], part[(equals + 1)..]);
            }
        }
    }

    // Names are compared decoded, so that "pass%77ord" is a password too (a camera decodes it before it reads it).
    private static bool IsUserName(string name) => UserNameParameters.Contains(Uri.UnescapeDataString(name), StringComparer.OrdinalIgnoreCase);

    private static bool IsPassword(string name) => PasswordParameters.Contains(Uri.UnescapeDataString(name), StringComparer.OrdinalIgnoreCase);

    /// <summary>"?name=value" or "&amp;name=value" in a line; the value ends at the next '&amp;' or white space.</summary>
    [GeneratedRegex(@"([?&]([^=&?\s]+)=)[^&\s]+", RegexOptions.CultureInvariant)]
    private static partial Regex QueryParameter();
}
