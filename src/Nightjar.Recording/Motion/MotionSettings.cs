namespace Nightjar.Recording.Motion;

/// <summary>
/// A camera's motion detection: on or off, how sensitive, which cells of the picture are analysed; how sure the
/// object detector must be of what it sees in an event (0–1) for the event to carry it; and which events alert.
/// </summary>
public sealed record MotionSettings(bool Enabled, MotionSensitivity Sensitivity, MotionArea Area)
{
    /// <summary>YOLOX's scores are well calibrated: at one half, a person is a person in practice, a shadow rarely.</summary>
    public const double DefaultMinScore = 0.5;

    /// <summary>The lowest minimum score allowed: the detector does not report less.</summary>
    public const double LowestMinScore = 0.3;

    public const double HighestMinScore = 0.95;

    /// <summary>On, Medium, the whole picture: every camera's setting until its owner changes it.</summary>
    public static MotionSettings Default { get; } = new(true, MotionSensitivity.Medium, MotionArea.All);

    public static MotionSettings Off { get; } = Default with { Enabled = false };

    public double MinScore { get; init; } = DefaultMinScore;

    /// <summary>
    /// The recorder's own detection, or the camera's (ONVIF events): with the camera's, the recorder decodes nothing
    /// for motion, so the events have no region and the object detector does not look at them.
    /// </summary>
    public MotionFrom From { get; init; } = MotionFrom.Nightjar;

    /// <summary>Only whoever sends alerts reads it: a change never restarts the camera's detection.</summary>
    public AlertOn AlertOn { get; init; } = AlertOn.AnyMotion;

    /// <summary>The labels (COCO) whose sighting makes an event alert, or null when any motion does.</summary>
    public IReadOnlySet<string>? AlertLabels => AlertOn switch
    {
        AlertOn.People => Detection.CocoLabels.People,
        AlertOn.Vehicles => Detection.CocoLabels.Vehicles,
        AlertOn.PeopleAndVehicles => Detection.CocoLabels.PeopleAndVehicles,
        _ => null,
    };
}
