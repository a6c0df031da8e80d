namespace Nightjar.Recording.Events;

/// <summary>The kinds of event, as stored and as the API names them.</summary>
public static class EventKinds
{
    /// <summary>Movement the recorder's own motion detection saw.</summary>
    public const string Motion = "motion";

    /// <summary>Movement the camera reported itself (ONVIF).</summary>
    public const string CameraMotion = "camera-motion";
}
