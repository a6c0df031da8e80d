namespace Nightjar.Recording.Motion;

/// <summary>
/// What <see cref="MotionDetector"/> saw in one frame. <see cref="Region"/> is null when nothing moved (or while the
/// detector is still learning the scene). Movement shows as a change between two analysed frames, so it began at
/// <see cref="SinceUs"/>, the earlier of the two.
/// </summary>
public sealed record MotionObservation(long WallUs, long SinceUs, MotionRegion? Region, int MovingCells, bool SceneChanged, bool WarmingUp);
