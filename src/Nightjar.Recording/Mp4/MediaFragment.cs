using System.Buffers.Binary;

namespace Nightjar.Recording.Mp4;

/// <summary>
/// One <c>moof</c> and the <c>mdat</c> after it: the unit the engine writes to disk, indexes and sends to live
/// viewers. Times are in <see cref="Timebase"/> units (90 kHz, the RTP clock of video), whatever the track's own scale.
/// </summary>
public sealed class MediaFragment
{
    public const int Timebase = 90_000;

    /// <summary>A 4K keyframe is a few megabytes; anything beyond this is not a camera's fragment.</summary>
    public const int MaxBytes = 32 << 20;

    private const uint SampleIsNonSync = 0x0001_0000;

    private MediaFragment(byte[] bytes, long decodeTime, long earliestDecodeTime, long videoDuration, int videoSamples, bool hasVideo, bool isKeyframe)
    {
        Bytes = bytes;
        DecodeTime = decodeTime;
        EarliestDecodeTime = earliestDecodeTime;
        VideoDuration = videoDuration;
        VideoSamples = videoSamples;
        HasVideo = hasVideo;
        IsKeyframe = isKeyframe;
    }

    /// <summary>The <c>moof</c> and <c>mdat</c> boxes, exactly as they go into the file.</summary>
    public byte[] Bytes { get; }

    /// <summary>Decode time of the first video sample (or of the first sample, for a fragment without video).</summary>
    public long DecodeTime { get; }

    /// <summary>The earliest decode time of any track (sound may start a little before the picture).</summary>
    public long EarliestDecodeTime { get; }

    /// <summary>How long the fragment's video samples last; zero for an audio-only fragment.</summary>
    public long VideoDuration { get; }

    public int VideoSamples { get; }

    public bool HasVideo { get; }

    /// <summary>The fragment starts with a video sync sample: a file, a seek or a live viewer can start here.</summary>
    public bool IsKeyframe { get; }

    public static long ToTimebase(long value, uint timescale) =>
        timescale == Timebase ? value : (long)((Int128)value * Timebase / timescale);

    /// <summary>
    /// Reads the timing of <paramref name="bytes"/> (a <c>moof</c> box followed by an <c>mdat</c> box, nothing else).
    /// Throws <see cref="Mp4FormatException"/> when the boxes are not whole or name a track the init segment lacks.
    /// </summary>
    public static MediaFragment Parse(byte[] bytes, InitSegment init)
    {
        if (!Box.TryRead(bytes, out var moof) || moof.Type != Box.Moof || moof.Size > bytes.Length
            || !Box.TryRead(bytes.AsSpan((int)moof.Size), out var mdat) || mdat.Type != Box.Mdat || moof.Size + mdat.Size != bytes.Length)
        {
            throw new Mp4FormatException("A fragment is not one moof followed by one mdat.");
        }

        long firstDecode = -1, earliestDecode = long.MaxValue, videoDecode = -1, videoDuration = 0, samples = 0;
        var videoSamples = 0;
        var keyframe = false;
        foreach (var (traf, offset) in Box.Children(bytes, moof.HeaderSize, (int)moof.Size))
        {
            if (traf.Type != Box.Traf)
            {
                continue;
            }

            var run = ReadTrackRun(bytes, offset + traf.HeaderSize, offset + (int)traf.Size, init);
            samples += run.SampleCount;
            if (samples > bytes.Length)
            {
                // Every sample takes at least a byte of the mdat; this also keeps the sums below from overflowing.
                throw new Mp4FormatException($"A fragment of {bytes.Length} bytes lists {samples} samples.");
            }

            var decode = ToTimebase(run.BaseDecodeTime, run.Track.Timescale);
            earliestDecode = Math.Min(earliestDecode, decode);
            if (firstDecode < 0)
            {
                firstDecode = decode;
            }

            if (run.Track.Kind == TrackKind.Video && run.SampleCount > 0)
            {
                if (videoDecode < 0)
                {
                    videoDecode = decode;
                    keyframe = (run.FirstSampleFlags & SampleIsNonSync) == 0;
                }

                videoDuration += ToTimebase(run.Duration, run.Track.Timescale);
                videoSamples += run.SampleCount;
            }
        }

        if (firstDecode < 0)
        {
            throw new Mp4FormatException("A fragment has no track fragment.");
        }

        var hasVideo = videoDecode >= 0;
        return new MediaFragment(bytes, hasVideo ? videoDecode : firstDecode, earliestDecode, videoDuration, videoSamples, hasVideo, keyframe);
    }

    private readonly record struct TrackRun(TrackInfo Track, long BaseDecodeTime, int SampleCount, long Duration, uint FirstSampleFlags);

    private static TrackRun ReadTrackRun(byte[] bytes, int start, int end, InitSegment init)
    {
        TrackInfo? track = null;
        uint defaultDuration = 0, defaultFlags = 0;
        long baseDecode = 0, duration = 0;
        var samples = 0;
        uint? firstFlags = null;
        // Per-sample fields of a track run, in their order: duration, size, flags, composition offset.
        const uint SampleDuration = 0x100, SampleFlags = 0x400;
        foreach (var (box, offset) in Box.Children(bytes, start, end))
        {
            var body = bytes.AsSpan(offset + box.HeaderSize, (int)box.BodySize);
            if (box.Type == Box.Tfhd)
            {
                Need(body, 8);
                var flags = BinaryPrimitives.ReadUInt32BigEndian(body) & 0xFFFFFF;
                var id = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                track = init.Track(id) ?? throw new Mp4FormatException($"A fragment names track {id}, which the init segment does not have.");
                defaultDuration = track.DefaultSampleDuration;
                defaultFlags = track.DefaultSampleFlags;
                var at = 8;
                at += (flags & 0x1) != 0 ? 8 : 0; // base data offset
                at += (flags & 0x2) != 0 ? 4 : 0; // sample description index
                if ((flags & 0x8) != 0)
                {
                    Need(body, at + 4);
                    defaultDuration = BinaryPrimitives.ReadUInt32BigEndian(body[at..]);
                    at += 4;
                }

                at += (flags & 0x10) != 0 ? 4 : 0; // default sample size
                if ((flags & 0x20) != 0)
                {
                    Need(body, at + 4);
                    defaultFlags = BinaryPrimitives.ReadUInt32BigEndian(body[at..]);
                }
            }
            else if (box.Type == Box.Tfdt)
            {
                Need(body, body.Length > 0 && body[0] == 1 ? 12 : 8);
                var time = body[0] == 1 ? BinaryPrimitives.ReadUInt64BigEndian(body[4..]) : BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                if (time > long.MaxValue)
                {
                    throw new Mp4FormatException($"A decode time of {time} is out of range.");
                }

                baseDecode = (long)time;
            }
            else if (box.Type == Box.Trun)
            {
                Need(body, 8);
                var flags = BinaryPrimitives.ReadUInt32BigEndian(body) & 0xFFFFFF;
                var count = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                if (count > bytes.Length)
                {
                    // Every sample takes at least a byte of the mdat, whatever the run says about sizes.
                    throw new Mp4FormatException($"A track run of {count} samples is in a fragment of {bytes.Length} bytes.");
                }

                var at = 8 + ((flags & 0x1) != 0 ? 4 : 0);
                if ((flags & 0x4) != 0)
                {
                    Need(body, at + 4);
                    firstFlags ??= BinaryPrimitives.ReadUInt32BigEndian(body[at..]);
                    at += 4;
                }

                var perSample = 4 * (int)uint.PopCount(flags & 0xF00);
                Need(body, at + (count * (long)perSample));
                if ((flags & SampleDuration) == 0)
                {
                    duration += count * (long)defaultDuration;
                }
                else
                {
                    for (var i = 0; i < count; i++)
                    {
                        duration += BinaryPrimitives.ReadUInt32BigEndian(body[(at + (i * perSample))..]);
                    }
                }

                if (count > 0 && (flags & SampleFlags) != 0)
                {
                    var flagsAt = at + ((flags & SampleDuration) != 0 ? 4 : 0) + ((flags & 0x200) != 0 ? 4 : 0);
                    firstFlags ??= BinaryPrimitives.ReadUInt32BigEndian(body[flagsAt..]);
                }

                samples += (int)count;
                if (samples > bytes.Length)
                {
                    throw new Mp4FormatException($"A track fragment of {samples} samples is in a fragment of {bytes.Length} bytes.");
                }
            }
        }

        if (track is null)
        {
            throw new Mp4FormatException("A track fragment has no header.");
        }

        return new TrackRun(track, baseDecode, samples, duration, firstFlags ?? defaultFlags);
    }

    private static void Need(ReadOnlySpan<byte> body, long length)
    {
        if (body.Length < length)
        {
            throw new Mp4FormatException("A box is shorter than its fields.");
        }
    }
}
