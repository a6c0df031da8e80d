namespace Nightjar.Recorder.Onvif;

/// <summary>A position saved in a PTZ camera: the token the camera knows it by, and its name to show.</summary>
public sealed record OnvifPreset(string Token, string Name);
