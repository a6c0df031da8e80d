namespace Nightjar.Recording.Motion;

/// <summary>How little movement starts an event. Stored and configured by name: never rename a member.</summary>
public enum MotionSensitivity
{
    /// <summary>Only large, clear movement (a person near the camera).</summary>
    Low,

    /// <summary>The default: a person or a car anywhere in a typical scene.</summary>
    Medium,

    /// <summary>Small or faint movement too (far away, low contrast, at night).</summary>
    High,
}
