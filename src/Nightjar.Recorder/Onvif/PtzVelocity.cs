namespace Nightjar.Recorder.Onvif;

/// <summary>A PTZ move's speeds, each from -1 to 1 of the camera's own range: pan right, tilt up and zoom in are positive.</summary>
public readonly record struct PtzVelocity(double Pan, double Tilt, double Zoom);
