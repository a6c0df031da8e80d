using System.Buffers.Binary;
using System.Diagnostics;
using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>
/// A real fragmented MP4 made once by Debian's ffmpeg from its test pattern (320×180 H.264, 25 fps, a keyframe every
/// second, one fragment per frame, as the engine asks ffmpeg for), replayed for ever by shifting its decode times.
/// </summary>
internal static class SampleStream
{
    public const int FramesPerSecond = 25;
    public const long FrameTicks = MediaFragment.Timebase / FramesPerSecond;

    private static readonly Lazy<(InitSegment Init, MediaFragment[] Fragments)> Loaded = new(Load);

    public static InitSegment Init => Loaded.Value.Init;

    public static int Length => Loaded.Value.Fragments.Length;

    /// <summary>The <paramref name="index"/>-th frame of an endless stream starting at decode time 0.</summary>
    public static MediaFragment Frame(long index)
    {
        var fragments = Loaded.Value.Fragments;
        var loop = index / fragments.Length;
        var source = fragments[index % fragments.Length];
        return ShiftDecodeTime(source, loop * fragments.Length * FrameTicks);
    }

    /// <summary>
    /// The <paramref name="index"/>-th frame's picture with the decode time and duration ffmpeg would have written
    /// (the sample's one video sample keeps its duration in the <c>tfhd</c>'s default, as ffmpeg writes it).
    /// </summary>
    public static MediaFragment Retimed(long index, long decodeTime, long duration)
    {
        var fragments = Loaded.Value.Fragments;
        var source = fragments[index % fragments.Length];
        var shifted = ShiftDecodeTime(source, decodeTime - source.DecodeTime);
        var bytes = shifted.Bytes;
        var tfhd = bytes.AsSpan().IndexOf("tfhd"u8);
        var flags = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(tfhd + 4)) & 0xFFFFFF;
        if ((flags & 0x8) == 0)
        {
            throw new InvalidOperationException("The sample's fragments were expected to carry their duration in the tfhd.");
        }

        var at = tfhd + 4 + 8 + ((flags & 0x1) != 0 ? 8 : 0) + ((flags & 0x2) != 0 ? 4 : 0);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), checked((uint)duration));
        return MediaFragment.Parse(bytes, Init);
    }

    private static MediaFragment ShiftDecodeTime(MediaFragment fragment, long ticks)
    {
        var bytes = (byte[])fragment.Bytes.Clone();
        for (var at = bytes.AsSpan().IndexOf("tfdt"u8); at > 0; at = Next(bytes, at))
        {
            var body = bytes.AsSpan(at + 4);
            if (body[0] == 1)
            {
                BinaryPrimitives.WriteUInt64BigEndian(body[4..], BinaryPrimitives.ReadUInt64BigEndian(body[4..]) + (ulong)ticks);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(body[4..], BinaryPrimitives.ReadUInt32BigEndian(body[4..]) + (uint)ticks);
            }
        }

        return MediaFragment.Parse(bytes, Init);
    }

    private static int Next(byte[] bytes, int after)
    {
        var next = bytes.AsSpan(after + 4).IndexOf("tfdt"u8);
        // Only inside moof: stop at the mdat.
        var mdat = bytes.AsSpan().IndexOf("mdat"u8);
        return next < 0 || after + 4 + next > mdat ? -1 : after + 4 + next;
    }

    private static (InitSegment, MediaFragment[]) Load()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nightjar-sample-{Environment.ProcessId}.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "-y", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "4",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-video_track_timescale", "90000",
            "-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_every_frame", path,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using (var ffmpeg = Process.Start(start)!)
        {
            var errors = ffmpeg.StandardError.ReadToEnd();
            ffmpeg.WaitForExit();
            if (ffmpeg.ExitCode != 0)
            {
                throw new InvalidOperationException("ffmpeg could not make the sample stream: " + errors);
            }
        }

        using var file = File.OpenRead(path);
        var reader = new FragmentedMp4Reader(file);
        var init = reader.ReadInitAsync(CancellationToken.None).GetAwaiter().GetResult();
        var fragments = new List<MediaFragment>();
        while (reader.ReadFragmentAsync(init, CancellationToken.None).GetAwaiter().GetResult() is { } fragment)
        {
            fragments.Add(fragment);
        }

        File.Delete(path);
        return (init, [.. fragments]);
    }
}
