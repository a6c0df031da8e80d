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

    /// <summary>A known local screen path, else the live view: an open redirect would let a page send the kiosk anywhere.</summary>
    public static string SafeReturnPath(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 200)
        {
            return LiveView;
        }

        var path = returnUrl.Split('?', 2)[0];
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
