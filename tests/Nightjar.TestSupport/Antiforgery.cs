using System.Net;
using System.Text.RegularExpressions;

namespace Nightjar.TestSupport;

/// <summary>The antiforgery token a console page carries in its forms, read the way a browser would post it back.</summary>
public static partial class Antiforgery
{
    public const string FieldName = "__RequestVerificationToken";

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Field();

    /// <summary>Loads <paramref name="path"/> with <paramref name="client"/> (whose cookies pair with the token) and returns the token.</summary>
    public static async Task<string> TokenAsync(HttpClient client, string path = "/?login=open")
    {
        var page = await client.GetStringAsync(path);
        return Field().Match(page) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"The page {path} has no antiforgery token.");
    }
}
