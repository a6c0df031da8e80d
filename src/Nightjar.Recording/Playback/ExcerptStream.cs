using Microsoft.Win32.SafeHandles;
using Nightjar.Recording.Mp4;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Playback;

/// <summary>
/// A <see cref="RecordingExcerpt"/> read as a stream: the init segment, then each fragment read from its file when
/// the reader gets to it. Seekable, so HTTP range requests can start anywhere. Whatever the excerpt's length, it holds
/// one fragment, the fragment entries of one file (read from the index when the reader enters that file) and one open
/// handle, to that file, at a time: a slow reader of a day's excerpt costs what a reader of a minute's does. It holds
/// a lease on every file of the excerpt until it is disposed; a file deleted all the same ends it with
/// <see cref="RecordingsDeletedException"/> at the next read that needs that file, having sent nothing of it past then.
/// </summary>
internal sealed class ExcerptStream(RecordingExcerpt excerpt, RecordingIndex index, RecordingLayout layout, FileLeases.Lease lease) : Stream
{
    private long position;
    private int pieceIndex = -1;
    private IReadOnlyList<FragmentEntry> entries = [];
    private SafeFileHandle? handle;
    private int fragmentIndex = -1;
    private byte[] fragment = [];
    private bool disposed;

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
        ObjectDisposedException.ThrowIf(disposed, this);
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

        var at = excerpt.PieceAt(position);
        var piece = excerpt.Pieces[at];
        if (lease.GoneWhy(piece.Path) is { } why)
        {
            // Its handle may still read it (Linux keeps an unlinked file for its open handles), but what was deleted
            // for room or at the owner's request is not sent on.
            excerpt.NoteFilesDeleted();
            throw RecordingsDeletedException.WhileRead(why);
        }

        lease.Progressed();
        if (at != pieceIndex)
        {
            await EnterAsync(at, piece);
        }

        var fileOffset = piece.FileOffset + (position - piece.ExcerptOffset);
        var k = FragmentAt(fileOffset, piece);
        if (k != fragmentIndex)
        {
            fragment = await ReadFragmentAsync(entries[k], piece, piece.FirstSequence + (k - piece.FirstFragment), cancellationToken);
            fragmentIndex = k;
        }

        var within = (int)(fileOffset - entries[k].Offset);
        var count = Math.Min(fragment.Length - within, buffer.Length);
        fragment.AsMemory(within, count).CopyTo(buffer);
        position += count;
        return count;
    }

    /// <summary>Moves to another file: its entries from the index, and a handle kept open until the reader leaves it.</summary>
    private async Task EnterAsync(int at, ExcerptPiece piece)
    {
        handle?.Dispose();
        handle = null;
        pieceIndex = -1;
        fragmentIndex = -1;
        var read = await index.GetFragmentsAsync(piece.RecordingId);
        if (read.Count < piece.FirstFragment + piece.Fragments || read[piece.FirstFragment].Offset != piece.FileOffset)
        {
            // Leased files go only with their readers told (above), so this is a deletion the lease did not see
            // (another process, a hand in the folder): the same clean end.
            excerpt.NoteFilesDeleted();
            throw new RecordingsDeletedException();
        }

        try
        {
            handle = File.OpenHandle(layout.FullPath(piece.Path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            excerpt.NoteFilesDeleted();
            throw new RecordingsDeletedException(RecordingsDeletedException.BeforeRead, ex);
        }

        entries = read;
        pieceIndex = at;
    }

    /// <summary>The entry (within the piece) of the fragment that holds byte <paramref name="fileOffset"/> of the file.</summary>
    private int FragmentAt(long fileOffset, ExcerptPiece piece)
    {
        int low = piece.FirstFragment, high = piece.FirstFragment + piece.Fragments - 1;
        if (fragmentIndex >= low && fragmentIndex <= high && entries[fragmentIndex].Offset <= fileOffset && fileOffset < entries[fragmentIndex].Offset + entries[fragmentIndex].Size)
        {
            return fragmentIndex;
        }

        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (entries[middle].Offset <= fileOffset)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    /// <summary>A fragment's bytes as they stand in the excerpt: read from its file, decode times moved, renumbered.</summary>
    private async Task<byte[]> ReadFragmentAsync(FragmentEntry entry, ExcerptPiece piece, int sequence, CancellationToken cancellationToken)
    {
        var bytes = new byte[entry.Size];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = await RandomAccess.ReadAsync(handle!, bytes.AsMemory(read), entry.Offset + read, cancellationToken);
            if (n == 0)
            {
                throw new IOException($"{piece.Path} ends before its fragment at {entry.Offset} (deleted or cut while being read).");
            }

            read += n;
        }

        FragmentRewriter.Rewrite(bytes, excerpt.Init, piece.Shift, (uint)sequence);
        return bytes;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle?.Dispose();
            handle = null;
            lease.Dispose();
            disposed = true;
        }

        base.Dispose(disposing);
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
