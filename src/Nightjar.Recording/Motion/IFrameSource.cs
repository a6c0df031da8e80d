namespace Nightjar.Recording.Motion;

/// <summary>
/// Where a camera's analysis pictures come from: decoded from the fragments the recorder already receives in the
/// product (<see cref="DecodedFrameSource"/>): grey pictures for motion at the camera's rate, or a few colour pictures
/// a second for the object detector, in time order. A source may fall silent for a while (the camera is offline) and
/// go on later.
/// </summary>
internal interface IFrameSource
{
    IAsyncEnumerable<AnalysisPicture> ReadAsync(CancellationToken cancellationToken);
}
