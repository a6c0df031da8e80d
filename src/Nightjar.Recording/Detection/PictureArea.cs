namespace Nightjar.Recording.Detection;

/// <summary>A rectangle in pixels.</summary>
public readonly record struct PictureArea(int X, int Y, int Width, int Height);
