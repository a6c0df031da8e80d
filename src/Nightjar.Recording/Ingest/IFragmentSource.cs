using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Ingest;

/// <summary>
/// One connection to a camera stream that yields an init segment and then fragments: an ffmpeg child process in the
/// product, a scripted source in unit tests.
/// </summary>
internal interface IFragmentSource : IAsyncDisposable
{
    Task<InitSegment> ReadInitAsync(CancellationToken cancellationToken);

    /// <summary>The next fragment, or null when the stream ended. Throws when the bytes are cut or are not MP4.</summary>
    Task<MediaFragment?> ReadFragmentAsync(InitSegment init, CancellationToken cancellationToken);

    /// <summary>Ends the connection now (the stream stalled, or the engine stops): a pending read returns or throws soon after.</summary>
    void Abort();

    /// <summary>After reading stopped: why the stream ended, in the owner's words.</summary>
    Task<StreamProblem> DescribeEndAsync();
}
