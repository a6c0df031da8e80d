using Nightjar.Recording.Mp4;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Playback;

/// <summary>
/// A time range of one stream as one fragmented MP4, made from the recording files without copying or transcoding
/// anything: the init segment of the first file, then every fragment from the keyframe at or before the start to the
/// end, read from the files when they are needed. Decode times are moved so that the excerpt starts at 0 and each
/// run (an unbroken connection to the camera) sits at its wall time; fragment sequence numbers count from 1. Its
/// length is known before a byte is read, so it can be served with HTTP range requests and exported with progress.
/// An excerpt stops where the stream's init segment changes (the camera's settings did): it says so in <see cref="CutShort"/>.
/// </summary>
public sealed class RecordingExcerpt
{
    private readonly IReadOnlyList<ExcerptPiece> pieces;
    private readonly RecordingIndex index;
    private readonly RecordingLayout layout;
    private readonly FileLeases leases;
    private volatile bool filesDeleted;

    private RecordingExcerpt(StreamKey stream, InitSegment init, IReadOnlyList<ExcerptPiece> pieces, DateTimeOffset start, DateTimeOffset end, bool cutShort,
        RecordingIndex index, RecordingLayout layout, FileLeases leases)
    {
        Stream = stream;
        Init = init;
        this.pieces = pieces;
        this.index = index;
        this.layout = layout;
        this.leases = leases;
        Start = start;
        End = end;
        CutShort = cutShort;
        Length = init.Bytes.Length + pieces.Sum(p => p.Size);
        Fragments = pieces.Sum(p => p.Fragments);
    }

    public StreamKey Stream { get; }

    public InitSegment Init { get; }

    /// <summary>Wall time of the excerpt's time 0: its first keyframe, at or before the time asked for.</summary>
    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    public long Length { get; }

    /// <summary>True when the recordings went on past <see cref="End"/> with other stream settings, which one file cannot hold.</summary>
    public bool CutShort { get; }

    public int Fragments { get; }

    /// <summary>
    /// The excerpt of [<paramref name="from"/>, <paramref name="to"/>), or null when nothing was recorded then. Reads
    /// only the index and the init segment of the first file. The plan it keeps is one <see cref="ExcerptPiece"/> per
    /// file, never one per frame: each file's fragment entries are read while planning and dropped, and read again by
    /// a reader when it gets to that file.
    /// </summary>
    internal static async Task<RecordingExcerpt?> CreateAsync(
        RecordingIndex index, RecordingLayout layout, FileLeases leases, StreamKey stream, DateTimeOffset from, DateTimeOffset to)
    {
        var recordings = await index.GetRecordingsAsync(stream, from, to);
        if (recordings.Count == 0)
        {
            return null;
        }

        var first = recordings[0];
        var init = await ReadInitAsync(layout.FullPath(first.Path), first.InitBytes);
        if (init is null)
        {
            return null;
        }

        var pieces = new List<ExcerptPiece>();
        long excerptOffset = init.Bytes.Length;
        var fromUs = WallClock.ToMicroseconds(from);
        var toUs = WallClock.ToMicroseconds(to);
        long startUs = 0, endUs = 0, shift = 0;
        var sequence = 1;
        var cutShort = false;
        RecordingSummary? previous = null;
        foreach (var recording in recordings)
        {
            if (previous is not null && (recording.InitBytes != init.Bytes.Length
                || await ReadInitAsync(layout.FullPath(recording.Path), recording.InitBytes) is not { } next || !next.Bytes.AsSpan().SequenceEqual(init.Bytes)))
            {
                cutShort = true;
                break;
            }

            var entries = await index.GetFragmentsAsync(recording.Id);
            var wall = WallMapping.Of(recording);
            var sameRun = previous is not null && recording.MediaStart == previous.MediaStart + previous.MediaDuration;
            var firstIndex = 0;
            if (pieces.Count == 0)
            {
                // Start at the last keyframe at or before the time asked for, so the first frame decodes.
                for (var i = 0; i < entries.Count && wall.At(entries[i].Time) <= fromUs; i++)
                {
                    if (entries[i].IsKeyframe)
                    {
                        firstIndex = i;
                    }
                }

                while (firstIndex < entries.Count && !entries[firstIndex].IsKeyframe)
                {
                    firstIndex++;
                }
            }

            var count = 0;
            long size = 0;
            for (var i = firstIndex; i < entries.Count; i++)
            {
                var entry = entries[i];
                var at = wall.At(entry.Time);
                if (at >= toUs)
                {
                    break;
                }

                if (count == 0)
                {
                    if (pieces.Count == 0)
                    {
                        startUs = at;
                    }

                    if (!sameRun)
                    {
                        // A new run: its media clock starts afresh, so place it at its wall time.
                        shift = WallClock.MicrosecondsToMedia(at - startUs) - (recording.MediaStart + entry.Time);
                    }
                }

                count++;
                size += entry.Size;
            }

            if (count > 0)
            {
                // The shift is in the run's time; the file's bytes count from its BytesBase.
                pieces.Add(new ExcerptPiece(
                    recording.Id, recording.Path, firstIndex, count, entries[firstIndex].Offset, size, excerptOffset, shift + recording.BytesBase, sequence));
                excerptOffset += size;
                sequence += count;
                endUs = Math.Min(toUs, WallClock.ToMicroseconds(recording.End));
            }

            previous = recording;
        }

        return pieces.Count == 0
            ? null
            : new RecordingExcerpt(stream, init, pieces, WallClock.FromMicroseconds(startUs), WallClock.FromMicroseconds(endUs), cutShort, index, layout, leases);
    }

    /// <summary>
    /// True once a file of the excerpt was found deleted since it was planned: its bytes can no longer all be read, so
    /// it is not handed out again (<see cref="ExcerptPlans"/> plans anew from what is left).
    /// </summary>
    internal bool FilesDeleted => filesDeleted;

    /// <summary>
    /// The excerpt as a read-only, seekable stream of <see cref="Length"/> bytes (for range requests, downloads and
    /// exports), or null when a file of it was deleted since it was planned. It holds one fragment, one file's entries
    /// and one open file at a time, and a lease on every file of the excerpt, so retention keeping the quota waits for
    /// it; dispose it to let them go. A read throws <see cref="RecordingsDeletedException"/> (in words) when one of its
    /// files is deleted all the same (the free-space floor, the owner's Delete Recordings).
    /// </summary>
    public Stream? TryOpen()
    {
        if (!filesDeleted && leases.TryTake([.. pieces.Select(p => p.Path)], path => File.Exists(layout.FullPath(path))) is { } lease)
        {
            return new ExcerptStream(this, index, layout, lease);
        }

        filesDeleted = true;
        return null;
    }

    /// <summary>As <see cref="TryOpen"/>, but throws <see cref="RecordingsDeletedException"/> when a file of it was deleted since it was planned.</summary>
    public Stream Open() => TryOpen() ?? throw new RecordingsDeletedException();

    /// <summary>A reader found a file of the excerpt deleted.</summary>
    internal void NoteFilesDeleted() => filesDeleted = true;

    internal IReadOnlyList<ExcerptPiece> Pieces => pieces;

    /// <summary>The index of the piece that holds byte <paramref name="offset"/> of the excerpt (at or after the init segment).</summary>
    internal int PieceAt(long offset)
    {
        int low = 0, high = pieces.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (pieces[middle].ExcerptOffset <= offset)
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

    private static async Task<InitSegment?> ReadInitAsync(string path, long length)
    {
        if (length is <= 0 or > InitSegment.MaxBytes || !File.Exists(path))
        {
            return null;
        }

        var bytes = new byte[length];
        try
        {
            // A file shorter than its row says, or damaged since it was indexed, ends the excerpt before it; one deleted
            // since the index answered (retention, Delete Recordings) is not recorded any more.
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await file.ReadExactlyAsync(bytes);
            return InitSegment.Parse(Hvc1Tag.ForPlayers(bytes));
        }
        catch (Exception ex) when (ex is Mp4FormatException or EndOfStreamException or FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
