namespace Nightjar.Recorder.Onvif;

/// <summary>
/// One event a camera sent: its topic without the namespace prefix (<c>RuleEngine/CellMotionDetector/Motion</c>), the
/// values that name its source (a video source, a rule), and its data items (<c>IsMotion</c> = <c>true</c>).
/// </summary>
public sealed record OnvifNotification(string Topic, string Source, IReadOnlyDictionary<string, string> Data)
{
    /// <summary>
    /// Whether this is a motion event, and then whether something moves: the cell motion detector's <c>IsMotion</c>
    /// and the video source's <c>MotionAlarm</c> <c>State</c>, the two every ONVIF camera with motion detection sends.
    /// </summary>
    public bool? Moving => Topic switch
    {
        _ when Topic.EndsWith("CellMotionDetector/Motion", StringComparison.OrdinalIgnoreCase) => Flag("IsMotion"),
        _ when Topic.EndsWith("VideoSource/MotionAlarm", StringComparison.OrdinalIgnoreCase) => Flag("State"),
        _ => null,
    };

    private bool? Flag(string name) =>
        Data.TryGetValue(name, out var value) ? value.Trim().ToLowerInvariant() switch { "true" or "1" => true, "false" or "0" => false, _ => null } : null;
}
