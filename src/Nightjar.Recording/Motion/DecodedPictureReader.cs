using System.Buffers.Binary;
using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Motion;

/// <summary>
/// Reads what <see cref="FrameDecoder"/>'s ffmpeg writes: fragmented MOV of raw pictures (grey or colour), one per fragment. Only
/// what is needed is read: the time scale (<c>moov/trak/mdia/mdhd</c>), each fragment's decode time
/// (<c>moof/traf/tfdt</c>) and its picture (the <c>mdat</c> that follows). Sizes are bounded by what was asked for.
/// </summary>
internal sealed class DecodedPictureReader(Stream stream, int pictureBytes)
{
    private readonly byte[] header = new byte[16];
    private uint timescale;
    private long? decodeTicks;

    /// <summary>The next picture and its decode time in 90 kHz ticks from the first one, or null at the end of the output.</summary>
    public async Task<(long DecodeTime, byte[] Pixels)?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await ReadHeaderAsync(cancellationToken) is { } box)
        {
            if (box.Type == Box.Mdat)
            {
                if (box.BodySize < pictureBytes || box.BodySize > pictureBytes + 1024)
                {
                    throw new Mp4FormatException($"A decoded picture of {box.BodySize} bytes is not {pictureBytes}.");
                }

                var body = new byte[box.BodySize];
                await stream.ReadExactlyAsync(body, cancellationToken);
                if (timescale == 0 || decodeTicks is not { } ticks)
                {
                    throw new Mp4FormatException("A picture came before its time.");
                }

                decodeTicks = null;
                return (MediaFragment.ToTimebase(ticks, timescale), body.AsSpan(body.Length - pictureBytes).ToArray());
            }

            if (box.BodySize > 1 << 20)
            {
                throw new Mp4FormatException($"A '{Box.Name(box.Type)}' box of {box.Size} bytes is not the decoder's.");
            }

            var bytes = new byte[box.Size];
            header.AsSpan(0, box.HeaderSize).CopyTo(bytes);
            await stream.ReadExactlyAsync(bytes.AsMemory(box.HeaderSize), cancellationToken);
            if (box.Type == Box.Moov)
            {
                timescale = Timescale(bytes);
            }
            else if (box.Type == Box.Moof)
            {
                decodeTicks = DecodeTicks(bytes);
            }
        }

        return null;
    }

    private async Task<Box?> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(header.AsMemory(0, 8), 8, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        if (read < 8)
        {
            throw new EndOfStreamException("The decoder's output ended inside a box header.");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(header) == 1)
        {
            await stream.ReadExactlyAsync(header.AsMemory(8, 8), cancellationToken);
        }

        Box.TryRead(header, out var box);
        return box;
    }

    private static uint Timescale(byte[] moov)
    {
        var trak = Box.Find(moov, 8, moov.Length, Box.Trak) ?? throw new Mp4FormatException("The decoder's output has no track.");
        var mdia = Inside(moov, trak, Box.Mdia);
        var mdhd = Inside(moov, mdia, Box.Mdhd);
        var body = Box.Body(moov, mdhd.Box, mdhd.Offset, 24);
        return BinaryPrimitives.ReadUInt32BigEndian(body[(body[0] == 1 ? 20 : 12)..]);
    }

    private static long DecodeTicks(byte[] moof)
    {
        var traf = Box.Find(moof, 8, moof.Length, Box.Traf) ?? throw new Mp4FormatException("A fragment of the decoder's output has no traf.");
        var tfdt = Inside(moof, traf, Box.Tfdt);
        var body = Box.Body(moof, tfdt.Box, tfdt.Offset, 8);
        return body[0] == 1
            ? (long)BinaryPrimitives.ReadUInt64BigEndian(Box.Body(moof, tfdt.Box, tfdt.Offset, 12)[4..])
            : BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
    }

    private static (Box Box, int Offset) Inside(byte[] data, (Box Box, int Offset) parent, uint type) =>
        Box.Find(data, parent.Offset + parent.Box.HeaderSize, parent.Offset + (int)parent.Box.Size, type)
        ?? throw new Mp4FormatException($"The decoder's output lacks '{Box.Name(type)}'.");
}
