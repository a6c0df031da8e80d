namespace Nightjar.Contracts;

/// <summary>
/// A camera as <c>GET /api/v1/cameras</c> lists it. <see cref="State"/> is "Recording", "Connecting", "Offline" or
/// "Disabled"; <see cref="Problem"/> says why when offline, or, while recording, what the recorder keeps working around
/// ("restarted after no keyframe from the camera for 10 s").
/// </summary>
public sealed record CameraInfo(string Id, string Name, int Channel, string State, string? Problem, string? Codec, int Width, int Height, bool HasSubStream);
