using System.Globalization;
using Nightjar.Recording;

namespace Nightjar.Recorder.Video;

/// <summary>The query values of the video routes, checked: a clear message for anything else, never an exception.</summary>
public static class VideoQuery
{
    /// <summary>The widest range one request may cover: recordings lists a month, a video a day.</summary>
    public static readonly TimeSpan MaxListRange = TimeSpan.FromDays(31);

    public static readonly TimeSpan MaxVideoRange = TimeSpan.FromDays(1);

    /// <summary><c>main</c> (or nothing) or <c>sub</c>.</summary>
    public static bool TryStream(string? text, StreamKind fallback, out StreamKind kind, out string error)
    {
        error = "";
        switch (text)
        {
            case null or "":
                kind = fallback;
                return true;
            case "main":
                kind = StreamKind.Main;
                return true;
            case "sub":
                kind = StreamKind.Sub;
                return true;
            default:
                kind = fallback;
                error = "stream must be main or sub.";
                return false;
        }
    }

    /// <summary>
    /// An ISO 8601 time with its offset (<c>2026-12-01T14:30:00Z</c>). Times without an offset are refused rather
    /// than guessed: a phone and the box may not be in one time zone.
    /// </summary>
    public static bool TryTime(string? text, string name, out DateTimeOffset time, out string error)
    {
        time = default;
        error = "";
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            error = $"{name} must be an ISO 8601 time such as 2026-12-01T14:30:00Z.";
            return false;
        }

        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal);
        if (!text.Contains('T', StringComparison.Ordinal) || !hasOffset
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out time)
            || time.Year is < 2000 or > 9000)
        {
            error = $"{name} must be an ISO 8601 time with its offset, such as 2026-12-01T14:30:00Z (got '{Shorten(text)}').";
            return false;
        }

        time = time.ToUniversalTime();
        return true;
    }

    /// <summary>from and to, from before to, no wider than <paramref name="widest"/>.</summary>
    public static bool TryRange(string? from, string? to, TimeSpan widest, out DateTimeOffset start, out DateTimeOffset end, out string error)
    {
        end = default;
        if (!TryTime(from, "from", out start, out error) || !TryTime(to, "to", out end, out error))
        {
            return false;
        }

        if (end <= start)
        {
            error = "to must be after from.";
            return false;
        }

        if (end - start > widest)
        {
            error = $"from and to may be at most {widest.TotalDays:0} day{(widest.TotalDays == 1 ? "" : "s")} apart.";
            return false;
        }

        return true;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
