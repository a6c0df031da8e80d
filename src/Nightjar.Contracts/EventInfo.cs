namespace Nightjar.Contracts;

/// <summary>
/// An event as <c>GET /api/v1/events</c> lists it and as every alert carries it: <see cref="Camera"/> is the camera's
/// id; <see cref="Kind"/> is "motion" (the recorder's own detection) or "camera-motion" (the camera's); <see cref="End"/>
/// is null while it goes on; <see cref="Region"/> is where it moved, as fractions of the picture; <see cref="Objects"/>
/// is what a detector recognised (empty when nothing); <see cref="Snapshot"/> and <see cref="Thumbnail"/> are URL paths
/// of its pictures on the API, null when none could be made.
/// </summary>
public sealed record EventInfo(
    long Id,
    string Camera,
    string CameraName,
    string Kind,
    DateTimeOffset Start,
    DateTimeOffset? End,
    EventRegion Region,
    IReadOnlyList<EventObject> Objects,
    bool Kept,
    string? Snapshot,
    string? Thumbnail);
