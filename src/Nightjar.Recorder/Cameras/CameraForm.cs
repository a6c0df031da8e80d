using Nightjar.Recording.Motion;

namespace Nightjar.Recorder.Cameras;

/// <summary>
/// What the camera dialog holds, exactly as typed. An empty <see cref="Password"/> on an existing camera keeps the
/// saved password, which is never shown back.
/// </summary>
public sealed record CameraForm(string Name, string StreamUrl, string SubStreamUrl, string UserName, string Password, bool Enabled = true)
{
    /// <summary>The Motion section: Detect Motion, Sensitivity and the Motion Area, chosen with the mouse.</summary>
    public MotionSettings Motion { get; init; } = MotionSettings.Default;

    /// <summary>The camera's ONVIF device service, when it was added through ONVIF (not typed: the dialog's Connect fills it).</summary>
    public Uri? OnvifAddress { get; init; }

    public static CameraForm Empty { get; } = new("", "", "", "", "");
}
