namespace Nightjar.Recorder.Console;

/// <summary>Configuration section <c>Nightjar:Console</c> (its <c>Url</c> is read with the listeners, in <c>RecorderOptions</c>).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Nightjar:Console";

    /// <summary>
    /// <c>Nightjar:Console:LiveViewWhileLocked</c>: the box's own monitor shows live video while the console is locked,
    /// as consumer recorders do. Playback, export and every setting still need a login.
    /// </summary>
    public bool LiveViewWhileLocked { get; set; } = true;
}
