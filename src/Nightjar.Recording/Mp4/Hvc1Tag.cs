using System.Buffers.Binary;

namespace Nightjar.Recording.Mp4;

/// <summary>
/// H.265 in MP4 comes tagged <c>hev1</c> (ffmpeg's default: parameter sets may also travel in the stream) or
/// <c>hvc1</c> (they are all in the sample description); Apple's players play only <c>hvc1</c>. Recordings keep what
/// the camera's stream was written with; what leaves the box (downloads, exports) is retagged, as
/// <c>ffmpeg -tag:v hvc1</c> would: the sample entry renamed and the <c>hvcC</c> arrays of parameter sets (VPS, SPS,
/// PPS) marked complete. ffmpeg always writes them into <c>hvcC</c>, so the claim holds.
/// </summary>
internal static class Hvc1Tag
{
    private const uint Hev1 = 0x68657631, Hvc1 = 0x68766331;

    /// <summary>A copy of the init segment with every <c>hev1</c> track retagged; the same array when there is none or it cannot be read.</summary>
    public static byte[] ForPlayers(byte[] init)
    {
        try
        {
            var copy = (byte[])init.Clone();
            var changed = false;
            foreach (var (moov, moovAt) in Box.Children(copy, 0, copy.Length).Where(c => c.Box.Type == Box.Moov).ToList())
            {
                foreach (var (trak, trakAt) in Box.Children(copy, Body(moov, moovAt), End(moov, moovAt)).Where(c => c.Box.Type == Box.Trak).ToList())
                {
                    var stsd = Path(copy, Body(trak, trakAt), End(trak, trakAt), Box.Mdia, Box.Minf, Box.Stbl, Box.Stsd);
                    // stsd: version and flags, entry count, then the entries.
                    if (stsd is { } s && s.Body + 8 <= s.End)
                    {
                        foreach (var (entry, entryAt) in Box.Children(copy, s.Body + 8, s.End).Where(c => c.Box.Type == Hev1).ToList())
                        {
                            changed |= Retag(copy, entry, entryAt);
                        }
                    }
                }
            }

            return changed ? copy : init;
        }
        catch (Mp4FormatException)
        {
            return init;
        }
    }

    private static bool Retag(byte[] data, Box entry, int at)
    {
        // A visual sample entry's own fields take 78 bytes; its boxes (hvcC among them) follow.
        var children = Body(entry, at) + 78;
        if (children > End(entry, at) || Box.Find(data, children, End(entry, at), Box.HvcC) is not { } hvcc)
        {
            return false;
        }

        var body = Body(hvcc.Box, hvcc.Offset);
        var end = End(hvcc.Box, hvcc.Offset);
        if (end - body < 23)
        {
            return false;
        }

        // After 22 bytes of profile and level fields: the number of arrays, then each array's type and its NAL units.
        var arrays = data[body + 22];
        var position = body + 23;
        var marks = new List<int>();
        for (var i = 0; i < arrays; i++)
        {
            if (position + 3 > end)
            {
                return false;
            }

            if ((data[position] & 0x3F) is 32 or 33 or 34)
            {
                marks.Add(position);
            }

            var units = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(position + 1));
            position += 3;
            for (var unit = 0; unit < units; unit++)
            {
                if (position + 2 > end)
                {
                    return false;
                }

                position += 2 + BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(position));
                if (position > end)
                {
                    return false;
                }
            }
        }

        foreach (var mark in marks)
        {
            data[mark] |= 0x80;
        }

        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at + 4), Hvc1);
        return true;
    }

    private static (int Body, int End)? Path(byte[] data, int start, int end, params uint[] types)
    {
        foreach (var type in types)
        {
            if (Box.Find(data, start, end, type) is not { } found)
            {
                return null;
            }

            (start, end) = (Body(found.Box, found.Offset), End(found.Box, found.Offset));
        }

        return (start, end);
    }

    private static int Body(Box box, int at) => at + box.HeaderSize;

    private static int End(Box box, int at) => at + (int)box.Size;
}
