namespace Nightjar.Recording.Events;

/// <summary>
/// One entry of the index's change log: what happened to which event, numbered in the order it happened. Whoever
/// sends alerts keeps the last number it handled, so nothing is lost or sent twice across a restart.
/// </summary>
public sealed record EventChange(long Sequence, EventChangeKind Kind, long EventId, string CameraId, DateTimeOffset At);
