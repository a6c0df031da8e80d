namespace Nightjar.Recording.Motion;

/// <summary>An event of a camera began (at <see cref="AtUs"/>, where it was first seen) or ended (at its last movement).</summary>
public sealed record MotionChange(MotionChangeKind Kind, long AtUs, MotionRegion Region);
