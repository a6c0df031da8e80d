namespace Nightjar.Contracts;

/// <summary>
/// Something about the recorder's own health: <see cref="Kind"/> is "camera-offline", "camera-back",
/// "recording-stopped", "recording-resumed", "storage-fault" or "storage-ok"; <see cref="Camera"/> and
/// <see cref="CameraName"/> when it concerns one camera; <see cref="Text"/> says it in words.
/// </summary>
public sealed record HealthInfo(string Kind, string? Camera, string? CameraName, string Text, DateTimeOffset At);
