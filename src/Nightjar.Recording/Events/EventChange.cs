namespace Nightjar.Recording.Events;

/// <summary>
/// One entry of <see cref="EventChangeLog"/>: what happened to which event, numbered in the order it happened, and for
/// an <see cref="EventChangeKind.Updated"/> change the labels the detector added.
/// </summary>
public sealed record EventChange(long Sequence, EventChangeKind Kind, long EventId, string CameraId, DateTimeOffset At, IReadOnlyList<string> Labels);
