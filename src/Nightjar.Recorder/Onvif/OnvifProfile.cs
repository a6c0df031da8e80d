namespace Nightjar.Recorder.Onvif;

/// <summary>One of a camera's media profiles: its token, name, and the video it encodes (null when it has none).</summary>
public sealed record OnvifProfile(string Token, string Name, string? Encoding, int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}
