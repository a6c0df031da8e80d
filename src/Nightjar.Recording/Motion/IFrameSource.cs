namespace Nightjar.Recording.Motion;

/// <summary>
/// Where a camera's analysis pictures come from: decoded from the fragments the recorder already receives in the
/// product (<see cref="DecodedFrameSource"/>), made up in tests. Pictures come in time order at the camera's rate; a
/// source may fall silent for a while (the camera is offline) and go on later.
/// </summary>
internal interface IFrameSource
{
    IAsyncEnumerable<GrayFrame> ReadAsync(CancellationToken cancellationToken);
}
