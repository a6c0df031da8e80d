namespace Nightjar.Recording.Motion;

/// <summary>Where something moved: a rectangle as fractions of the picture (0–1 from the top left).</summary>
public readonly record struct MotionRegion(double X, double Y, double Width, double Height)
{
    /// <summary>The smallest rectangle holding both.</summary>
    public MotionRegion Union(MotionRegion other)
    {
        var left = Math.Min(X, other.X);
        var top = Math.Min(Y, other.Y);
        var right = Math.Max(X + Width, other.X + other.Width);
        var bottom = Math.Max(Y + Height, other.Y + other.Height);
        return new MotionRegion(left, top, right - left, bottom - top);
    }
}
