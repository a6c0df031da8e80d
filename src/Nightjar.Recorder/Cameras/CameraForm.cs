namespace Nightjar.Recorder.Cameras;

/// <summary>
/// What the camera dialog holds, exactly as typed. An empty <see cref="Password"/> on an existing camera keeps the
/// saved password, which is never shown back.
/// </summary>
public sealed record CameraForm(string Name, string StreamUrl, string SubStreamUrl, string UserName, string Password, bool Enabled = true)
{
    public static CameraForm Empty { get; } = new("", "", "", "", "");
}
