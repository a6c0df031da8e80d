using System.Buffers;

namespace Nightjar.Recording.Storage;

/// <summary>
/// The index stores fragment entries as a blob of varints per batch: <c>size &lt;&lt; 1 | keyframe</c>, then the
/// zig-zag time delta from the fragment before. A frame of constant-rate video costs 3–4 bytes, so a stream-day of
/// one fragment per frame is a few megabytes of index, about 1/5000 of the video it describes.
/// </summary>
public static class FragmentEntryCodec
{
    public static void Append(IBufferWriter<byte> output, int size, bool isKeyframe, long timeDelta)
    {
        WriteVarint(output, ((ulong)size << 1) | (isKeyframe ? 1UL : 0UL));
        WriteVarint(output, (ulong)((timeDelta << 1) ^ (timeDelta >> 63)));
    }

    /// <summary>
    /// Decodes one blob, continuing from <paramref name="offset"/> and <paramref name="time"/> (the end of the entries
    /// before it). Throws <see cref="FormatException"/> for a blob this codec did not write.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> blob, ref long offset, ref long time, List<FragmentEntry> into)
    {
        var at = 0;
        while (at < blob.Length)
        {
            var sizeAndKey = ReadVarint(blob, ref at);
            var delta = ReadVarint(blob, ref at);
            time += (long)(delta >> 1) ^ -(long)(delta & 1);
            var size = checked((int)(sizeAndKey >> 1));
            into.Add(new FragmentEntry(offset, size, time, (sizeAndKey & 1) != 0));
            offset += size;
        }
    }

    private static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> blob, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= blob.Length)
            {
                throw new FormatException("A fragment entry is cut short.");
            }

            var b = blob[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("A fragment entry is longer than a varint can be.");
    }
}
