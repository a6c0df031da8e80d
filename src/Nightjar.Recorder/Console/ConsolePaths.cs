namespace Nightjar.Recorder.Console;

/// <summary>The console's screens. Return paths after login are checked against this list, never taken as given.</summary>
public static class ConsolePaths
{
    public const string LiveView = "/";
    public const string Playback = "/playback";
    public const string Events = "/events";
    public const string Cameras = "/cameras";
    public const string Settings = "/settings";
    public const string Power = "/power";
    public const string Setup = "/setup";

    private static readonly string[] Known = [LiveView, Playback, Events, Cameras, Settings, Power];

    /// <summary>The query that carries a layout chosen while the console was locked through the login to the live view.</summary>
    public const string LayoutQueryKey = "layout";

    /// <summary>The live view, asked to switch to a layout once the login succeeds.</summary>
    public static string LiveViewWithLayout(int tiles) => $"{LiveView}?{LayoutQueryKey}={tiles}";

    /// <summary>
    /// A known local screen path (the live view may carry a layout), else the live view: an open redirect would let a
    /// page send the kiosk anywhere.
    /// </summary>
    public static string SafeReturnPath(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 200)
        {
            return LiveView;
        }

        var parts = returnUrl.Split('?', 2);
        var path = parts[0];
        if (path == LiveView && parts.Length == 2 && LiveLayout.Choices.Any(tiles => parts[1] == $"{LayoutQueryKey}={tiles}"))
        {
            return returnUrl;
        }

        foreach (var known in Known)
        {
            if (string.Equals(path, known, StringComparison.Ordinal)
                || (known != LiveView && path.StartsWith(known + "/", StringComparison.Ordinal) && path.Skip(known.Length + 1).All(char.IsAsciiLetterLower)))
            {
                return path;
            }
        }

        return LiveView;
    }
}
