using Nightjar.Recording.Motion;

namespace Nightjar.Recording.Events;

/// <summary>
/// One event as the recordings index keeps it: which camera, what kind (<see cref="EventKinds"/>), when it began and
/// ended (null while it goes on), where the movement was, what a detector saw in it, and its pictures (paths relative
/// to the recordings folder, null until made or when none could be). <see cref="Kept"/> events and their recordings
/// are spared by retention.
/// </summary>
public sealed record RecordedEvent(
    long Id,
    string CameraId,
    string Kind,
    DateTimeOffset Start,
    DateTimeOffset? End,
    MotionRegion Region,
    IReadOnlyList<DetectedObject> Objects,
    string? SnapshotPath,
    string? ThumbnailPath,
    long PictureBytes,
    bool Kept);
