namespace Nightjar.Recording.Mp4;

/// <summary>
/// The bytes are not the fragmented MP4 this engine reads (ffmpeg's <c>-f mp4 -movflags empty_moov+default_base_moof</c>):
/// damaged, cut inside a box of a byte array, or not MP4 at all. Apart from <see cref="EndOfStreamException"/> for a
/// stream that ends inside a box, it is the only exception the box reader raises for anything a file or camera holds.
/// </summary>
public sealed class Mp4FormatException(string message) : Exception(message);
