using System.Buffers.Binary;

namespace Nightjar.Recording.Mp4;

/// <summary>
/// Moves a fragment's decode times and renumbers it, in place: no box changes size. Recording files start their own
/// time at 0 with it, and excerpts place each piece on the excerpt's time.
/// </summary>
internal static class FragmentRewriter
{
    /// <param name="bytes">One moof followed by its mdat, as written to disk.</param>
    /// <param name="shift">How far to move every track's decode time, in 90 kHz ticks (negative moves it earlier; the result stops at 0).</param>
    /// <param name="sequence">The fragment's new sequence number; null keeps the one it has.</param>
    public static void Rewrite(byte[] bytes, InitSegment init, long shift, uint? sequence)
    {
        if (!Box.TryRead(bytes, out var moof) || moof.Type != Box.Moof || moof.Size > bytes.Length)
        {
            throw new Mp4FormatException("A fragment does not start with moof.");
        }

        foreach (var (box, offset) in Box.Children(bytes, moof.HeaderSize, (int)moof.Size))
        {
            var body = offset + box.HeaderSize;
            if (box.Type == 0x6D666864 && box.BodySize >= 8 && sequence is { } number) // mfhd: version/flags, sequence_number
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(body + 4), number);
            }
            else if (box.Type == Box.Traf)
            {
                RewriteTrackFragment(bytes, body, offset + (int)box.Size, init, shift);
            }
        }
    }

    private static void RewriteTrackFragment(byte[] bytes, int start, int end, InitSegment init, long shift)
    {
        uint timescale = MediaFragment.Timebase;
        foreach (var (box, offset) in Box.Children(bytes, start, end))
        {
            var body = offset + box.HeaderSize;
            if (box.Type == Box.Tfhd && box.BodySize >= 8)
            {
                var track = init.Track(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(body + 4)))
                    ?? throw new Mp4FormatException("A fragment names a track the init segment does not have.");
                timescale = track.Timescale;
            }
            else if (box.Type == Box.Tfdt)
            {
                if (box.BodySize < (box.BodySize > 0 && bytes[body] == 1 ? 12 : 8))
                {
                    throw new Mp4FormatException("A tfdt is shorter than its decode time.");
                }

                var delta = timescale == MediaFragment.Timebase ? shift : (long)((Int128)shift * timescale / MediaFragment.Timebase);
                var field = bytes.AsSpan(body + 4);
                if (bytes[body] == 1)
                {
                    var moved = (long)BinaryPrimitives.ReadUInt64BigEndian(field) + delta;
                    BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)Math.Max(0, moved));
                }
                else
                {
                    var moved = BinaryPrimitives.ReadUInt32BigEndian(field) + delta;
                    if (moved > uint.MaxValue)
                    {
                        throw new Mp4FormatException("A 32-bit decode time does not hold the moved time.");
                    }

                    BinaryPrimitives.WriteUInt32BigEndian(field, (uint)Math.Max(0, moved));
                }
            }
        }
    }
}
