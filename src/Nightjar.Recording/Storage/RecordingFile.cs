using System.Buffers;
using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Storage;

/// <summary>
/// One recording file being written: the init segment, then whole fragments, each written with one positioned write as
/// it arrives. The stream's read loop appends; the flusher takes snapshots, flushes the bytes to disk and commits the
/// index row, in that order, so the index never describes bytes that are not on disk.
/// </summary>
internal sealed class RecordingFile : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly object gate = new();
    private readonly FileStream stream;
    private ArrayBufferWriter<byte> pendingEntries = new(256);
    private int pendingCount;
    private int committedEntries;
    private FragmentEntryCodec.Cursor cursor;
    private long length;
    private long syncedLength;
    private long mediaDuration;
    private long startUs;
    private long endUs;
    private long minLocalStartUs = long.MaxValue;
    private long committedBytes;
    private int fragments;
    private bool closed;
    private bool finalCommitted;

    private RecordingFile(StreamKey key, string relativePath, string fullPath, FileStream stream, InitSegment init, long startUs,
        long mediaStart, long bytesBase, bool firstOfRun, string? gapReason, IReadOnlyList<string> directoriesToSync)
    {
        Stream = key;
        RelativePath = relativePath;
        FullPath = fullPath;
        this.stream = stream;
        Init = init;
        this.startUs = startUs;
        MediaStart = mediaStart;
        BytesBase = bytesBase;
        FirstOfRun = firstOfRun;
        GapReason = gapReason;
        DirectoriesToSync = directoriesToSync;
        RandomAccess.Write(stream.SafeFileHandle, init.Bytes, 0);
        length = init.Bytes.Length;
        cursor = new FragmentEntryCodec.Cursor(length, 0, 0);
    }

    public StreamKey Stream { get; }

    public string RelativePath { get; }

    public string FullPath { get; }

    public InitSegment Init { get; }

    /// <summary>Decode time (90 kHz) of the file's first fragment: fragment entry times count from here.</summary>
    public long MediaStart { get; }

    /// <summary>
    /// The run's decode time (90 kHz) that is 0 in the file's bytes: the earliest time of any track in its first
    /// fragment. A file cut from the middle of a run starts at 0 like any file a player opens, not at its place in
    /// the run (a player would show a minute-long file as two and a half, the first part empty).
    /// </summary>
    public long BytesBase { get; }

    /// <summary>First file of a run: its start comes from the local clock; a later file starts where the one before ended.</summary>
    public bool FirstOfRun { get; }

    public string? GapReason { get; }

    /// <summary>Folders whose entries changed when this file was made (the file's own, and any folder created for it).</summary>
    public IReadOnlyList<string> DirectoriesToSync { get; }

    /// <summary>Once closed, a later file's local start minus the start it took from the file before: what <see cref="RunClock"/> corrected.</summary>
    public long DriftUs { get; private set; }

    /// <summary>The index row, once the first commit made it.</summary>
    public long RowId { get; set; }

    /// <summary>True once the file is closed and its last state is in the index: the handle can go.</summary>
    public bool IsDone
    {
        get
        {
            lock (gate)
            {
                return finalCommitted;
            }
        }
    }

    /// <summary>Creates the file (0600) under <paramref name="layout"/> and writes the init segment. Throws <see cref="IOException"/>.</summary>
    public static RecordingFile Create(
        RecordingLayout layout, StreamKey key, InitSegment init, long startUs, long mediaStart, long bytesBase, bool firstOfRun, string? gapReason)
    {
        while (true)
        {
            var relative = RecordingLayout.RelativePath(key, startUs);
            var full = layout.FullPath(relative);
            var synced = CreateFolders(Path.GetDirectoryName(full)!, layout.Root);
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.Read | FileShare.Delete,
                BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            FileStream stream;
            try
            {
                stream = new FileStream(full, options);
            }
            catch (IOException) when (File.Exists(full))
            {
                startUs++; // Two files of one stream in the same microsecond: only after a clock step. Take the next one.
                continue;
            }

            try
            {
                return new RecordingFile(key, relative, full, stream, init, startUs, mediaStart, bytesBase, firstOfRun, gapReason, synced);
            }
            catch
            {
                stream.Dispose();
                File.Delete(full);
                throw;
            }
        }
    }

    /// <summary>Creates missing folders (0700) and returns the folders whose entries changed.</summary>
    private static List<string> CreateFolders(string folder, string root)
    {
        var changed = new List<string> { folder };
        var missing = new Stack<string>();
        for (var f = folder; !Directory.Exists(f) && f.Length > root.Length; f = Path.GetDirectoryName(f)!)
        {
            missing.Push(f);
        }

        while (missing.TryPop(out var f))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(f);
            }
            else
            {
                Directory.CreateDirectory(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            changed.Add(Path.GetDirectoryName(f)!);
        }

        return changed;
    }

    /// <summary>
    /// Writes a fragment after the ones before it. Throws <see cref="IOException"/> (a full disk) with nothing counted:
    /// a later write or the final truncation overwrites whatever part of it reached the file.
    /// </summary>
    public void Append(MediaFragment fragment, long localNowUs)
    {
        long at;
        lock (gate)
        {
            at = length;
        }

        Write(fragment.Bytes, at);
        lock (gate)
        {
            length = at + fragment.Bytes.Length;
            var time = fragment.DecodeTime - MediaStart;
            FragmentEntryCodec.Append(pendingEntries, ref cursor, fragment.Bytes.Length, fragment.IsKeyframe, time);
            pendingCount++;
            fragments++;
            if (fragment.HasVideo)
            {
                var end = time + fragment.VideoDuration;
                mediaDuration = Math.Max(mediaDuration, end);
                // The fragment arrives when the frame after it does: its end, not its start, is what just arrived.
                minLocalStartUs = Math.Min(minLocalStartUs, localNowUs - WallClock.MediaToMicroseconds(end));
            }
        }
    }

    /// <summary>Writes a fragment's bytes with its times moved onto the file's own (see <see cref="BytesBase"/>).</summary>
    private void Write(byte[] fragment, long at)
    {
        if (BytesBase == 0)
        {
            RandomAccess.Write(stream.SafeFileHandle, fragment, at);
            return;
        }

        // A copy: the same bytes go to live viewers and motion with the run's times.
        var copy = ArrayPool<byte>.Shared.Rent(fragment.Length);
        try
        {
            fragment.CopyTo(copy, 0);
            FragmentRewriter.Rewrite(copy, Init, -BytesBase, sequence: null);
            RandomAccess.Write(stream.SafeFileHandle, copy.AsSpan(0, fragment.Length), at);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Ends the file: its start and end are fixed now (see <see cref="RunClock"/>). Returns the end, where the next file starts.</summary>
    public long Close(long notBeforeUs)
    {
        lock (gate)
        {
            if (closed)
            {
                return endUs;
            }

            var media = WallClock.MediaToMicroseconds(mediaDuration);
            if (FirstOfRun)
            {
                startUs = minLocalStartUs == long.MaxValue ? Math.Max(startUs, notBeforeUs) : Math.Max(minLocalStartUs, notBeforeUs);
                endUs = startUs + media;
            }
            else
            {
                DriftUs = minLocalStartUs == long.MaxValue ? 0 : minLocalStartUs - startUs;
                endUs = startUs + (minLocalStartUs == long.MaxValue ? media : RunClock.CorrectedDurationUs(media, startUs, minLocalStartUs));
            }

            closed = true;
            return endUs;
        }
    }

    public FileSnapshot Snapshot(long notBeforeUs)
    {
        lock (gate)
        {
            var start = closed ? startUs : StartUsLocked(notBeforeUs);
            var end = closed ? endUs : start + WallClock.MediaToMicroseconds(mediaDuration);
            return new FileSnapshot(this, start, end, mediaDuration, minLocalStartUs == long.MaxValue ? 0 : minLocalStartUs - start, length,
                fragments, committedEntries, pendingEntries.WrittenSpan.ToArray(), pendingCount, closed);
        }
    }

    /// <summary>The start a file has now: a first-of-run file's local start so far (never before <paramref name="notBeforeUs"/>, where the stream's last recording ended).</summary>
    private long StartUsLocked(long notBeforeUs) =>
        FirstOfRun && minLocalStartUs != long.MaxValue ? Math.Max(minLocalStartUs, notBeforeUs) : startUs;

    /// <summary>Flushes written bytes to the disk. Called by the flusher after <see cref="Snapshot"/> and before the commit.</summary>
    public void SyncToDisk(FileSnapshot snapshot)
    {
        if (snapshot.Bytes > syncedLength)
        {
            RandomAccess.FlushToDisk(stream.SafeFileHandle);
            syncedLength = snapshot.Bytes;
        }
    }

    /// <summary>The snapshot is in the index: drop the entries it carried. Returns how many bytes the index gained.</summary>
    public long Committed(FileSnapshot snapshot)
    {
        lock (gate)
        {
            var grown = snapshot.Bytes - committedBytes;
            committedBytes = snapshot.Bytes;
            var rest = pendingEntries.WrittenSpan[snapshot.Entries.Length..].ToArray();
            pendingEntries = new ArrayBufferWriter<byte>(Math.Max(256, rest.Length));
            pendingEntries.Write(rest);
            pendingCount -= snapshot.EntryCount;
            committedEntries += snapshot.EntryCount;
            finalCommitted = snapshot.Closed && pendingCount == 0;
            return grown;
        }
    }

    /// <summary>Cuts off a partial fragment a failed write may have left, so the file ends with a whole one.</summary>
    public void TruncateToWhole()
    {
        long whole;
        lock (gate)
        {
            whole = length;
        }

        if (RandomAccess.GetLength(stream.SafeFileHandle) > whole)
        {
            RandomAccess.SetLength(stream.SafeFileHandle, whole);
        }
    }

    public void Dispose() => stream.Dispose();
}
