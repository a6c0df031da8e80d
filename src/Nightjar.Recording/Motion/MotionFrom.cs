namespace Nightjar.Recording.Motion;

/// <summary>Where a camera's motion events come from ("Motion From" in the camera dialog).</summary>
public enum MotionFrom
{
    /// <summary>The recorder's own motion detection on the camera's picture.</summary>
    Nightjar,

    /// <summary>The camera's own motion detection, sent as ONVIF events: costs the box no decoding.</summary>
    Camera,
}
