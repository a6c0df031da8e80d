namespace Nightjar.Recording.Detection;

/// <summary>
/// A camera's picture as the detector takes it: <see cref="Width"/> × <see cref="Height"/> pixels of BGR (3 bytes each,
/// row by row), the camera's picture scaled to fit and centred in it on grey padding (letterboxed), which fills
/// <see cref="Content"/>; and the wall time the camera took it.
/// </summary>
public sealed record DetectionPicture(int Width, int Height, byte[] Bgr, PictureArea Content, long WallUs) : Motion.AnalysisPicture(WallUs)
{
    /// <summary>Where the camera's picture sits in a letterboxed one of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static PictureArea Letterbox(int width, int height, int sourceWidth, int sourceHeight)
    {
        var scale = Math.Min((double)width / sourceWidth, (double)height / sourceHeight);
        var w = Math.Min(width, (int)Math.Round(sourceWidth * scale));
        var h = Math.Min(height, (int)Math.Round(sourceHeight * scale));
        return new PictureArea((width - w) / 2, (height - h) / 2, w, h);
    }
}
