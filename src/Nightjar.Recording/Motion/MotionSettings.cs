namespace Nightjar.Recording.Motion;

/// <summary>A camera's motion detection: on or off, how sensitive, and which cells of the picture are analysed.</summary>
public sealed record MotionSettings(bool Enabled, MotionSensitivity Sensitivity, MotionArea Area)
{
    /// <summary>On, Medium, the whole picture: every camera's setting until its owner changes it.</summary>
    public static MotionSettings Default { get; } = new(true, MotionSensitivity.Medium, MotionArea.All);

    public static MotionSettings Off { get; } = Default with { Enabled = false };
}
