namespace Nightjar.Recording.Motion;

/// <summary>
/// One small grey picture of a camera for motion analysis: <see cref="Width"/> × <see cref="Height"/> bytes, one per
/// pixel, row by row, and the wall time the camera took it (microseconds since the Unix epoch).
/// </summary>
public sealed record GrayFrame(int Width, int Height, byte[] Pixels, long WallUs) : AnalysisPicture(WallUs);
