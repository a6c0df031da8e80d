namespace Nightjar.Recorder.Power;

public enum RestartMode
{
    /// <summary>Reboot stops the host and starts a new one in the same process.</summary>
    InProcess,

    /// <summary>Reboot exits with <see cref="PowerControl.RebootExitCode"/> and a supervisor (systemd) starts the recorder again.</summary>
    Exit,
}
