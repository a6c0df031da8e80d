namespace Nightjar.Recorder.Power;

/// <summary>Configuration section <c>Nightjar:Power</c>.</summary>
public sealed class PowerOptions
{
    public const string Section = "Nightjar:Power";

    public RestartMode RestartMode { get; set; } = RestartMode.InProcess;

    /// <summary><c>Nightjar:Power:AfterPasswordReset</c>: reboot by itself (as the recorders it replaces do) or offer "Restart now".</summary>
    public AfterPasswordReset AfterPasswordReset { get; set; } = AfterPasswordReset.Reboot;
}
