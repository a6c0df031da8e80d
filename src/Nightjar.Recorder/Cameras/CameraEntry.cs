using Nightjar.Recording.Motion;

namespace Nightjar.Recorder.Cameras;

/// <summary>A camera as the console lists it: never its password, only whether one is saved.</summary>
public sealed record CameraEntry(
    string Id,
    int Channel,
    string Name,
    Uri StreamUrl,
    Uri? SubStreamUrl,
    string UserName,
    bool HasPassword,
    bool Enabled,
    bool FromConfiguration,
    MotionSettings Motion,
    Uri? OnvifAddress = null)
{
    public CameraForm ToForm() => new(Name, StreamUrl.AbsoluteUri, SubStreamUrl?.AbsoluteUri ?? "", UserName, "", Enabled) { Motion = Motion, OnvifAddress = OnvifAddress };
}
