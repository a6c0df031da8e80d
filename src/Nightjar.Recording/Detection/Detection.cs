using Nightjar.Recording.Motion;

namespace Nightjar.Recording.Detection;

/// <summary>One thing the detector found in a picture: its COCO label, its score (0–1), and its box as fractions of the camera's picture.</summary>
public sealed record Detection(string Label, double Score, MotionRegion Box);
