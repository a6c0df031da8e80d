namespace Nightjar.Recorder.Recordings;

/// <summary>Configuration section <c>Nightjar:Ffmpeg</c>.</summary>
public sealed class FfmpegOptions
{
    public const string Section = "Nightjar:Ffmpeg";

    /// <summary>The ffmpeg that pulls camera streams: an absolute path, or a bare name looked up in the absolute folders of PATH (never the working folder).</summary>
    public string Path { get; set; } = "ffmpeg";
}
