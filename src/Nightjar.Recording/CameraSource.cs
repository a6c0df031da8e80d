using Nightjar.Recording.Motion;

namespace Nightjar.Recording;

/// <summary>A camera as the engine records it: its id (also its folder name), its name for people, its streams, and how it is watched for motion.</summary>
public sealed record CameraSource(string CameraId, string Name, StreamEndpoint Main, StreamEndpoint? Sub, bool Enabled = true)
{
    public MotionSettings Motion { get; init; } = MotionSettings.Default;

    public IEnumerable<(StreamKey Key, StreamEndpoint Endpoint)> Streams()
    {
        yield return (new StreamKey(CameraId, StreamKind.Main), Main);
        if (Sub is not null)
        {
            yield return (new StreamKey(CameraId, StreamKind.Sub), Sub);
        }
    }
}
