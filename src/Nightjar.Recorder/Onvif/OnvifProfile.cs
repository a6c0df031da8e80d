namespace Nightjar.Recorder.Onvif;

/// <summary>
/// One of a camera's media profiles: its token, name, the video it encodes (null when it has none), and whether it
/// has a PTZ configuration (the camera can be moved through this profile).
/// </summary>
public sealed record OnvifProfile(string Token, string Name, string? Encoding, int Width, int Height, bool CanMove = false)
{
    public long Pixels => (long)Width * Height;
}
