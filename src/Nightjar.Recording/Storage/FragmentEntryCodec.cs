using System.Buffers;

namespace Nightjar.Recording.Storage;

/// <summary>
/// The index stores fragment entries as a blob of varints per batch: <c>size &lt;&lt; 1 | keyframe</c>, then the
/// zig-zag change of the time step from the step before (zero for constant-rate video). A 4 Mbit/s frame costs four
/// bytes, a sub-stream frame three, so a stream-day of one fragment per frame is 6–9 MB of index: about 1/5000 of
/// the video it describes.
/// </summary>
public static class FragmentEntryCodec
{
    /// <summary>Where a run of entries continues from: the time of the last entry and the step that led to it.</summary>
    public record struct Cursor(long Offset, long Time, long Step);

    /// <summary>Appends one fragment of <paramref name="size"/> bytes at <paramref name="time"/>, moving <paramref name="cursor"/> on.</summary>
    public static void Append(IBufferWriter<byte> output, ref Cursor cursor, int size, bool isKeyframe, long time)
    {
        var step = time - cursor.Time;
        var change = step - cursor.Step;
        WriteVarint(output, ((ulong)size << 1) | (isKeyframe ? 1UL : 0UL));
        WriteVarint(output, (ulong)((change << 1) ^ (change >> 63)));
        cursor = new Cursor(cursor.Offset + size, time, step);
    }

    /// <summary>Decodes one blob from <paramref name="cursor"/> on. Throws <see cref="FormatException"/> for a blob this codec did not write.</summary>
    public static void Decode(ReadOnlySpan<byte> blob, ref Cursor cursor, List<FragmentEntry> into)
    {
        var at = 0;
        while (at < blob.Length)
        {
            var sizeAndKey = ReadVarint(blob, ref at);
            var zigzag = ReadVarint(blob, ref at);
            var step = cursor.Step + ((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
            var size = checked((int)(sizeAndKey >> 1));
            var time = cursor.Time + step;
            into.Add(new FragmentEntry(cursor.Offset, size, time, (sizeAndKey & 1) != 0));
            cursor = new Cursor(cursor.Offset + size, time, step);
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
