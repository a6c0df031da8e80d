namespace Nightjar.Recording.Mp4;

/// <summary>
/// Reads a fragmented MP4 from a stream as it arrives (ffmpeg's standard output, or a file being reconciled): first the
/// init segment, then one <see cref="MediaFragment"/> at a time. Boxes between fragments that carry no media
/// (<c>sidx</c>, <c>prft</c>, <c>free</c>, the closing <c>mfra</c>) are skipped.
/// </summary>
public sealed class FragmentedMp4Reader(Stream stream)
{
    private readonly byte[] header = new byte[16];

    /// <summary>Bytes consumed so far: after a fragment, the offset at which the next one starts.</summary>
    public long Position { get; private set; }

    /// <summary>Reads <c>ftyp</c> and <c>moov</c>. Throws <see cref="Mp4FormatException"/> or <see cref="EndOfStreamException"/>.</summary>
    public async Task<InitSegment> ReadInitAsync(CancellationToken cancellationToken)
    {
        var ftyp = await ReadHeaderAsync(cancellationToken) ?? throw new EndOfStreamException("The stream ended before it began.");
        if (ftyp.Type != Box.Ftyp || ftyp.Size > 4096)
        {
            throw new Mp4FormatException($"The stream starts with '{Box.Name(ftyp.Type)}', not ftyp.");
        }

        var ftypBytes = await ReadBoxAsync(ftyp, 0, cancellationToken);
        var moov = await ReadHeaderAsync(cancellationToken) ?? throw new EndOfStreamException("The stream ended after ftyp.");
        if (moov.Type != Box.Moov || moov.Size > InitSegment.MaxBytes)
        {
            throw new Mp4FormatException($"The stream has '{Box.Name(moov.Type)}' where moov belongs.");
        }

        var bytes = await ReadBoxAsync(moov, ftypBytes.Length, cancellationToken);
        ftypBytes.CopyTo(bytes, 0);
        return InitSegment.Parse(bytes);
    }

    /// <summary>
    /// The next whole fragment, or null when the stream ends cleanly between boxes. A stream cut inside a box throws
    /// <see cref="EndOfStreamException"/>; bytes that are not MP4 throw <see cref="Mp4FormatException"/>.
    /// </summary>
    public async Task<MediaFragment?> ReadFragmentAsync(InitSegment init, CancellationToken cancellationToken)
    {
        while (true)
        {
            var box = await ReadHeaderAsync(cancellationToken);
            if (box is null)
            {
                return null;
            }

            if (box.Value.Type != Box.Moof)
            {
                await SkipAsync(box.Value, cancellationToken);
                continue;
            }

            var moof = box.Value;
            if (moof.Size > 1 << 20)
            {
                throw new Mp4FormatException($"A moof of {moof.Size} bytes is not a camera's.");
            }

            var moofBytes = await ReadBoxAsync(moof, 0, cancellationToken);
            var mdat = await ReadHeaderAsync(cancellationToken) ?? throw new EndOfStreamException("The stream ended between moof and mdat.");
            if (mdat.Type != Box.Mdat)
            {
                throw new Mp4FormatException($"A moof is followed by '{Box.Name(mdat.Type)}', not mdat.");
            }

            if (moof.Size + mdat.Size > MediaFragment.MaxBytes)
            {
                throw new Mp4FormatException($"A fragment of {moof.Size + mdat.Size} bytes is larger than any camera sends.");
            }

            var bytes = await ReadBoxAsync(mdat, moofBytes.Length, cancellationToken);
            moofBytes.CopyTo(bytes, 0);
            return MediaFragment.Parse(bytes, init);
        }
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
            throw new EndOfStreamException("The stream ended inside a box header.");
        }

        var length = 8;
        if (header[0] == 0 && header[1] == 0 && header[2] == 0 && header[3] == 1)
        {
            await stream.ReadExactlyAsync(header.AsMemory(8, 8), cancellationToken);
            length = 16;
        }

        Box.TryRead(header.AsSpan(0, length), out var box);
        Position += length;
        return box;
    }

    /// <summary>Reads the rest of <paramref name="box"/> into a new array of <c>prefix + box size</c> bytes, leaving <paramref name="prefix"/> bytes free at the start.</summary>
    private async Task<byte[]> ReadBoxAsync(Box box, int prefix, CancellationToken cancellationToken)
    {
        EnsureInStream(box);
        var bytes = GC.AllocateUninitializedArray<byte>(prefix + (int)box.Size);
        header.AsSpan(0, box.HeaderSize).CopyTo(bytes.AsSpan(prefix));
        await stream.ReadExactlyAsync(bytes.AsMemory(prefix + box.HeaderSize), cancellationToken);
        Position += box.BodySize;
        return bytes;
    }

    /// <summary>A file cut inside a box says so before a buffer of the size the box claims is taken.</summary>
    private void EnsureInStream(Box box)
    {
        if (stream.CanSeek && box.BodySize > stream.Length - stream.Position)
        {
            throw new EndOfStreamException($"The stream ends inside a '{Box.Name(box.Type)}' box of {box.Size} bytes.");
        }
    }

    private async Task SkipAsync(Box box, CancellationToken cancellationToken)
    {
        if (box.BodySize > MediaFragment.MaxBytes)
        {
            throw new Mp4FormatException($"A '{Box.Name(box.Type)}' box of {box.Size} bytes is larger than any camera sends.");
        }

        EnsureInStream(box);
        var left = box.BodySize;
        var scratch = new byte[(int)Math.Min(left, 64 * 1024)];
        while (left > 0)
        {
            var read = await stream.ReadAsync(scratch.AsMemory(0, (int)Math.Min(left, scratch.Length)), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("The stream ended inside a box.");
            }

            left -= read;
        }

        Position += box.BodySize;
    }
}
