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

    public void Add(MediaFragment fragment)
    {
        var sample = (fragment.Bytes.Length, fragment.VideoSamples, fragment.VideoDuration);
        samples.Enqueue(sample);
        bytes += sample.Length;
        frames += sample.VideoSamples;
        duration += sample.VideoDuration;
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

    public double FrameRate => duration <= 0 ? 0 : Math.Round(frames / Seconds, 2);

    public long BitsPerSecond => duration <= 0 ? 0 : (long)(bytes * 8 / Seconds);
}
