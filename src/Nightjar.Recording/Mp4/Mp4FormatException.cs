namespace Nightjar.Recording.Mp4;

/// <summary>The bytes are not the fragmented MP4 this engine reads (ffmpeg's <c>-f mp4 -movflags empty_moov+default_base_moof</c>).</summary>
public sealed class Mp4FormatException(string message) : Exception(message);
