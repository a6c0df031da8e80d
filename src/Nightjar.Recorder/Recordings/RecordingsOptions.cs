namespace Nightjar.Recorder.Recordings;

/// <summary>Configuration sections <c>Nightjar:Recordings</c> and <c>Nightjar:Ffmpeg</c>.</summary>
public sealed class RecordingsOptions
{
    public const string Section = "Nightjar:Recordings";

    /// <summary>Smaller than this cannot hold a minute of every stream; almost surely a typo (a missing "000").</summary>
    public const long MinimumMaxBytes = 64L << 20;

    /// <summary><c>Nightjar:Recordings:Dir</c>: relative paths are under the working folder; unset means <c>recordings</c> in the data folder.</summary>
    public string? Dir { get; set; }

    /// <summary><c>Nightjar:Recordings:MaxBytes</c>: the quota; unset means the whole disk less <see cref="MinFreeBytes"/>.</summary>
    public long? MaxBytes { get; set; }

    public long MinFreeBytes { get; set; } = Recording.RecordingEngineOptions.DefaultMinFreeBytes;

    /// <summary><c>Nightjar:Recordings:FileSeconds</c>: about how long each recording file is (10 to 600, default 60).</summary>
    public int FileSeconds { get; set; } = 60;

    /// <summary>
    /// <c>Nightjar:Recordings:MaxKeyframeSeconds</c>: the longest a stream may go without a keyframe (camera time) before
    /// its file ends and it is connected again (2 to 300, default 10).
    /// </summary>
    public int MaxKeyframeSeconds { get; set; } = (int)Recording.RecordingEngineOptions.DefaultMaxKeyframeInterval.TotalSeconds;

    public string DirFullPath(string dataDirFullPath) =>
        string.IsNullOrWhiteSpace(Dir) ? Path.Combine(dataDirFullPath, "recordings") : Path.GetFullPath(Dir);
}
