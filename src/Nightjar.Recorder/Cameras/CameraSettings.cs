using Nightjar.Recording.Motion;

namespace Nightjar.Recorder.Cameras;

/// <summary>A camera's settings after every rule passed: trimmed name, URLs without credentials, the credentials apart.</summary>
/// <param name="Password">Null: keep the saved password (an edit that left the field empty).</param>
/// <param name="OnvifAddress">The camera's ONVIF device service, on the main stream's host, or null.</param>
public sealed record CameraSettings(string Name, Uri StreamUrl, Uri? SubStreamUrl, string UserName, string? Password, bool Enabled, MotionSettings Motion,
    Uri? OnvifAddress = null);
