using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Ingest;

/// <summary>Frame rate and bitrate over the last few seconds of video, from the camera's own frame durations.</summary>
internal sealed class RateMeter
{
    private static readonly long Window = 5L * MediaFragment.Timebase;
    private readonly Queue<(int Bytes, int Frames, long Duration)> samples = new();
    private long bytes;
    private int frames;
    private long duration;

    /// <summary>Under a millisecond is not a frame but part of one that reached ffmpeg in two packets (some cameras split the first keyframe).</summary>
    private const long ShortestFrame = MediaFragment.Timebase / 1000;

    /// <summary>Rates over less video than this say little (the first frames of a connection come in a burst).</summary>
    private const long ShortestWindow = MediaFragment.Timebase;

    public void Add(MediaFragment fragment)
    {
        var counted = fragment.VideoDuration >= ShortestFrame * fragment.VideoSamples ? fragment.VideoSamples : 0;
        samples.Enqueue((fragment.Bytes.Length, counted, fragment.VideoDuration));
        bytes += fragment.Bytes.Length;
        frames += counted;
        duration += fragment.VideoDuration;
        while (duration - samples.Peek().Duration > Window)
        {
            var old = samples.Dequeue();
            bytes -= old.Bytes;
            frames -= old.Frames;
            duration -= old.Duration;
        }
    }

    public void Clear()
    {
        samples.Clear();
        bytes = 0;
        frames = 0;
        duration = 0;
    }

    private double Seconds => (double)duration / MediaFragment.Timebase;

    /// <summary>Frames per second, or 0 until a second of video has arrived.</summary>
    public double FrameRate => duration < ShortestWindow ? 0 : Math.Round(frames / Seconds, 2);

    public long BitsPerSecond => duration < ShortestWindow ? 0 : (long)(bytes * 8 / Seconds);
}
