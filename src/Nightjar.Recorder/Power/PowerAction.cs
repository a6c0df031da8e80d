namespace Nightjar.Recorder.Power;

public enum PowerAction
{
    /// <summary>Nothing was asked for: the host stopped because the service was stopped (SIGTERM, Ctrl+C).</summary>
    None,
    Reboot,
    ShutDown,
}
