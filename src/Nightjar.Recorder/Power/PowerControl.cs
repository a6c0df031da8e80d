using Nightjar.Recorder.Audit;

namespace Nightjar.Recorder.Power;

/// <summary>
/// Reboot, Shut Down and the console restart after a password reset. Each stops the host; what happens next is
/// decided by the process loop (<see cref="Hosting.RecorderProcess"/>) from <see cref="Requested"/>: start a new
/// host (with or without restarting recording), exit for the supervisor, or exit for good.
/// </summary>
public sealed class PowerControl(IHostApplicationLifetime lifetime, AuditLog audit, TimeProvider clock)
{
    /// <summary>EX_TEMPFAIL: the systemd unit in deploy/ restarts the recorder on this code and on nothing else.</summary>
    public const int RebootExitCode = 75;

    /// <summary>Long enough for the console to draw "Rebooting…" before its connection drops.</summary>
    private static readonly TimeSpan GracePeriod = TimeSpan.FromMilliseconds(250);

    private int requested = (int)PowerAction.None;

    public PowerAction Requested => (PowerAction)Volatile.Read(ref requested);

    /// <summary>Asks for a reboot or shut down. Returns false if one is already under way.</summary>
    public async Task<bool> RequestAsync(PowerAction action, string reason)
    {
        if (action == PowerAction.None || Interlocked.CompareExchange(ref requested, (int)action, (int)PowerAction.None) != (int)PowerAction.None)
        {
            return false;
        }

        await audit.WriteAsync(
            action switch
            {
                PowerAction.Reboot => AuditEvent.Reboot,
                PowerAction.RestartConsole => AuditEvent.ConsoleRestarted,
                _ => AuditEvent.ShutDown,
            },
            reason);
        // Off the caller's context: a console event handler must not be the thread that stops the host its
        // own circuit runs in, or the stop waits on that circuit.
        _ = Task.Run(async () =>
        {
            await Task.Delay(GracePeriod, clock);
            lifetime.StopApplication();
        });
        return true;
    }
}
