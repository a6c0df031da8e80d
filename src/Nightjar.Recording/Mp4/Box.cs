using System.Buffers.Binary;

namespace Nightjar.Recording.Mp4;

/// <summary>
/// One ISO BMFF box header: a 32-bit size (or 1 and a 64-bit size after the type), then a four-character type.
/// Only the few box types this engine needs are named; everything else is skipped by size.
/// </summary>
internal readonly record struct Box(uint Type, long Size, int HeaderSize)
{
    public const uint Ftyp = 0x66747970, Moov = 0x6D6F6F76, Moof = 0x6D6F6F66, Mdat = 0x6D646174, Mvex = 0x6D766578,
        Trex = 0x74726578, Trak = 0x7472616B, Tkhd = 0x746B6864, Mdia = 0x6D646961, Mdhd = 0x6D646864, Hdlr = 0x68646C72,
        Minf = 0x6D696E66, Stbl = 0x7374626C, Stsd = 0x73747364, Traf = 0x74726166, Tfhd = 0x74666864, Tfdt = 0x74666474,
        Trun = 0x7472756E, AvcC = 0x61766343, HvcC = 0x68766343, Mfra = 0x6D667261;

    /// <summary>The body: the bytes after the header.</summary>
    public long BodySize => Size - HeaderSize;

    /// <summary>
    /// Reads a header at the start of <paramref name="data"/>. False when fewer bytes than a header are there; throws
    /// <see cref="Mp4FormatException"/> for a size no box can have. The size is not checked against the bytes that follow.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out Box box)
    {
        box = default;
        if (data.Length < 8)
        {
            return false;
        }

        long size = BinaryPrimitives.ReadUInt32BigEndian(data);
        var type = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        var header = 8;
        if (size == 1)
        {
            if (data.Length < 16)
            {
                return false;
            }

            var large = BinaryPrimitives.ReadUInt64BigEndian(data[8..]);
            if (large > long.MaxValue)
            {
                throw new Mp4FormatException($"Box '{Name(type)}' has a size of {large} bytes.");
            }

            size = (long)large;
            header = 16;
        }
        else if (size == 0)
        {
            // "To the end of the file": never written by a live muxer, and unbounded on a pipe.
            throw new Mp4FormatException($"Box '{Name(type)}' has no size.");
        }

        if (size < header)
        {
            throw new Mp4FormatException($"Box '{Name(type)}' is smaller than its own header ({size} bytes).");
        }

        box = new Box(type, size, header);
        return true;
    }

    /// <summary>
    /// The children of a container box body, in order; each lies wholly inside [<paramref name="start"/>, <paramref name="end"/>),
    /// so its <c>(int)Size</c> is safe. Throws <see cref="Mp4FormatException"/> when a child runs past the end.
    /// </summary>
    public static IEnumerable<(Box Box, int Offset)> Children(byte[] data, int start, int end)
    {
        var offset = start;
        while (offset + 8 <= end)
        {
            if (!TryRead(data.AsSpan(offset, end - offset), out var child) || child.Size > end - offset)
            {
                throw new Mp4FormatException("A box runs past the end of its parent.");
            }

            yield return (child, offset);
            offset += (int)child.Size;
        }
    }

    /// <summary>The body of the child at <paramref name="offset"/>, which must hold at least <paramref name="length"/> bytes.</summary>
    public static ReadOnlySpan<byte> Body(byte[] data, Box box, int offset, int length)
    {
        if (box.BodySize < length)
        {
            throw new Mp4FormatException($"Box '{Name(box.Type)}' of {box.Size} bytes is too short for its fields.");
        }

        return data.AsSpan(offset + box.HeaderSize, (int)box.BodySize);
    }

    /// <summary>The first child of the given type, or null.</summary>
    public static (Box Box, int Offset)? Find(byte[] data, int start, int end, uint type)
    {
        foreach (var child in Children(data, start, end))
        {
            if (child.Box.Type == type)
            {
                return child;
            }
        }

        return null;
    }

    public static string Name(uint type) =>
        string.Create(4, type, static (chars, t) =>
        {
            for (var i = 0; i < 4; i++)
            {
                var c = (char)((t >> (24 - (8 * i))) & 0xFF);
                chars[i] = char.IsAsciiLetterOrDigit(c) || c == ' ' ? c : '?';
            }
        });
}
