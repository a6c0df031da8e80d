namespace Nightjar.Recording.Motion;

/// <summary>What the object detector takes: pictures of <see cref="Width"/> × <see cref="Height"/>, at most <see cref="PerSecond"/> a second of a camera.</summary>
public readonly record struct DetectionSize(int Width, int Height, double PerSecond);
