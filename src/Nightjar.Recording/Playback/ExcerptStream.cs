using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Playback;

/// <summary>
/// A <see cref="RecordingExcerpt"/> read as a stream: the init segment, then each fragment read from its file when
/// the reader gets to it (one fragment held at a time). Seekable, so HTTP range requests can start anywhere.
/// </summary>
internal sealed class ExcerptStream(RecordingExcerpt excerpt, RecordingLayout layout) : Stream
{
    private long position;
    private int cachedIndex = -1;
    private byte[]? cached;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => excerpt.Length;

    public override long Position
    {
        get => position;
        set => position = Math.Clamp(value, 0, Length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (position >= Length || buffer.Length == 0)
        {
            return 0;
        }

        var init = excerpt.Init.Bytes;
        if (position < init.Length)
        {
            var take = (int)Math.Min(init.Length - position, buffer.Length);
            init.AsMemory((int)position, take).CopyTo(buffer);
            position += take;
            return take;
        }

        var index = excerpt.PieceAt(position);
        if (index != cachedIndex)
        {
            cached = await excerpt.ReadPieceAsync(index, layout, cancellationToken);
            cachedIndex = index;
        }

        var within = (int)(position - excerpt.Pieces[index].ExcerptOffset);
        var count = Math.Min(cached!.Length - within, buffer.Length);
        cached.AsMemory(within, count).CopyTo(buffer);
        position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
