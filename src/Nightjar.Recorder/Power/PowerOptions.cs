namespace Nightjar.Recorder.Power;

/// <summary>Configuration section <c>Nightjar:Power</c>.</summary>
public sealed class PowerOptions
{
    public const string Section = "Nightjar:Power";

    public RestartMode RestartMode { get; set; } = RestartMode.InProcess;
}
