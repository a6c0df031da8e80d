namespace Nightjar.Recorder.Power;

public enum PowerAction
{
    /// <summary>Nothing was asked for: the host stopped because the service was stopped (SIGTERM, Ctrl+C).</summary>
    None,
    /// <summary>Everything restarts, recording included: the gap shows on the timeline as "recorder rebooted".</summary>
    Reboot,

    ShutDown,

    /// <summary>Only the console and the companion API restart (after a password reset); recording goes on without a gap.</summary>
    RestartConsole,
}
