using System.Buffers.Binary;

namespace Nightjar.Recording.Mp4;

/// <summary>
/// Sets a fragment's times in place, before it is written anywhere: every track's decode time moved by the same
/// amount (so audio stays with the picture), and the video's duration replaced. No box changes size.
/// </summary>
internal static class FragmentRetimer
{
    /// <summary>
    /// Returns a copy of <paramref name="fragment"/> whose decode times are moved by <paramref name="shift"/> (90 kHz)
    /// and whose video lasts <paramref name="videoDuration"/> (90 kHz; the last sample takes up the change). Returns
    /// null when the duration cannot be set in the fragment (it comes from the init segment's defaults, which ffmpeg
    /// never leaves it to) or a moved time does not fit its field. Throws <see cref="Mp4FormatException"/> for a
    /// fragment <see cref="MediaFragment.Parse"/> would refuse.
    /// </summary>
    public static MediaFragment? Retime(MediaFragment fragment, InitSegment init, long shift, long videoDuration)
    {
        var bytes = (byte[])fragment.Bytes.Clone();
        if (!Box.TryRead(bytes, out var moof) || moof.Type != Box.Moof || moof.Size > bytes.Length)
        {
            throw new Mp4FormatException("A fragment does not start with moof.");
        }

        var durationChange = videoDuration - fragment.VideoDuration;
        foreach (var (box, offset) in Box.Children(bytes, moof.HeaderSize, (int)moof.Size))
        {
            if (box.Type == Box.Traf && !RetimeTrack(bytes, offset + box.HeaderSize, offset + (int)box.Size, init, shift, ref durationChange))
            {
                return null;
            }
        }

        var retimed = MediaFragment.Parse(bytes, init);
        // The change is split in each track's own time scale: what comes back is what the fragment now says.
        return durationChange == 0 || !fragment.HasVideo ? retimed : null;
    }

    private static bool RetimeTrack(byte[] bytes, int start, int end, InitSegment init, long shift, ref long durationChange)
    {
        TrackInfo? track = null;
        var defaultDurationAt = -1;
        foreach (var (box, offset) in Box.Children(bytes, start, end))
        {
            var body = offset + box.HeaderSize;
            if (box.Type == Box.Tfhd && box.BodySize >= 8)
            {
                var flags = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(body)) & 0xFFFFFF;
                track = init.Track(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(body + 4)))
                    ?? throw new Mp4FormatException("A fragment names a track the init segment does not have.");
                var at = 8 + ((flags & 0x1) != 0 ? 8 : 0) + ((flags & 0x2) != 0 ? 4 : 0);
                defaultDurationAt = (flags & 0x8) != 0 && box.BodySize >= at + 4 ? body + at : -1;
            }
            else if (box.Type == Box.Tfdt && track is not null && shift != 0 && !MoveDecodeTime(bytes, body, (int)box.BodySize, ToTrack(shift, track)))
            {
                return false;
            }
            else if (box.Type == Box.Trun && track is { Kind: TrackKind.Video } && durationChange != 0)
            {
                if (!ChangeLastDuration(bytes, body, (int)box.BodySize, defaultDurationAt, track, ref durationChange))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool MoveDecodeTime(byte[] bytes, int body, int size, long delta)
    {
        var wide = size > 0 && bytes[body] == 1;
        if (size < (wide ? 12 : 8))
        {
            throw new Mp4FormatException("A tfdt is shorter than its decode time.");
        }

        var field = bytes.AsSpan(body + 4);
        var moved = (wide ? (long)BinaryPrimitives.ReadUInt64BigEndian(field) : BinaryPrimitives.ReadUInt32BigEndian(field)) + delta;
        if (moved < 0 || (!wide && moved > uint.MaxValue))
        {
            return false;
        }

        if (wide)
        {
            BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)moved);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(field, (uint)moved);
        }

        return true;
    }

    /// <summary>The last sample of the run takes the whole change: it is the one whose duration spans the jump.</summary>
    private static bool ChangeLastDuration(byte[] bytes, int body, int size, int defaultDurationAt, TrackInfo track, ref long change)
    {
        if (size < 8)
        {
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(body)) & 0xFFFFFF;
        var count = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(body + 4));
        if (count == 0)
        {
            return true;
        }

        int at;
        if ((flags & 0x100) != 0)
        {
            var perSample = 4 * (int)uint.PopCount(flags & 0xF00);
            at = body + 8 + ((flags & 0x1) != 0 ? 4 : 0) + ((flags & 0x4) != 0 ? 4 : 0) + ((int)(count - 1) * perSample);
            if (at + 4 > body + size)
            {
                return false;
            }
        }
        else if (defaultDurationAt >= 0 && count == 1)
        {
            at = defaultDurationAt;
        }
        else
        {
            return false;
        }

        var old = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
        var updated = old + ToTrack(change, track);
        if (updated is < 1 or > uint.MaxValue)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), (uint)updated);
        change = 0;
        return true;
    }

    private static long ToTrack(long ticks, TrackInfo track) =>
        track.Timescale == MediaFragment.Timebase ? ticks : (long)((Int128)ticks * track.Timescale / MediaFragment.Timebase);
}
