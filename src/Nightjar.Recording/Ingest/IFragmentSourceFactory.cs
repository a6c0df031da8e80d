namespace Nightjar.Recording.Ingest;

internal interface IFragmentSourceFactory
{
    /// <param name="endpoint">The stream URL and its credentials.</param>
    /// <param name="withAudio">False after the camera's audio turned out to be a codec MP4 cannot hold.</param>
    IFragmentSource Open(StreamEndpoint endpoint, bool withAudio);

    /// <summary>A cheap check whether the camera accepts connections again, so an unreachable camera is noticed within a second of its return.</summary>
    Task<bool> IsReachableAsync(StreamEndpoint endpoint, CancellationToken cancellationToken);
}
