namespace Nightjar.Recording.Motion;

/// <summary>
/// A picture the decoder made of a camera for analysis, taken by the camera at <see cref="WallUs"/> (microseconds since
/// the Unix epoch): a small grey one for motion (<see cref="GrayFrame"/>), or a colour one for the object detector
/// (<see cref="Detection.DetectionPicture"/>).
/// </summary>
public abstract record AnalysisPicture(long WallUs);
