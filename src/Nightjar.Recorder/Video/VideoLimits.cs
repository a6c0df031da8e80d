namespace Nightjar.Recorder.Video;

/// <summary>
/// Configuration section <c>Nightjar:Video</c>: how much heavy video work may run at once, for one client (one app's
/// sign-in, one web app session, the console) and in all. A snapshot runs an ffmpeg decoder; a download of recorded
/// video holds a file, its plan and a connection for as long as its reader takes.
/// </summary>
public sealed class VideoLimits
{
    public const string Section = "Nightjar:Video";

    /// <summary>Snapshots being made at once in all: never more ffmpeg decoders than this for snapshots.</summary>
    public int SnapshotsAtOnce { get; set; } = 3;

    public int SnapshotsPerClient { get; set; } = 2;

    /// <summary>Recorded video sent at once in all (<c>video.mp4</c>, event clips, the console's playback).</summary>
    public int DownloadsAtOnce { get; set; } = 8;

    public int DownloadsPerClient { get; set; } = 3;
}
