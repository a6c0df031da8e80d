namespace Nightjar.Recorder.Recordings;

/// <summary>Configuration section <c>Nightjar:Ffmpeg</c>.</summary>
public sealed class FfmpegOptions
{
    public const string Section = "Nightjar:Ffmpeg";

    /// <summary>The ffmpeg that pulls camera streams: a path, or a name looked up on the PATH.</summary>
    public string Path { get; set; } = "ffmpeg";
}
