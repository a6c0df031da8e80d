namespace Nightjar.Contracts;

/// <summary>A rectangle as fractions (0–1) of the picture, from its top-left corner.</summary>
public sealed record EventRegion(double X, double Y, double Width, double Height);
