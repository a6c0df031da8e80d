using System.Buffers;
using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Storage;

/// <summary>
/// What a recording file holds, read from the file itself: its init segment and every whole fragment. Used at
/// start-up for files the index does not fully describe (written after the last commit, or never committed).
/// </summary>
internal sealed record RecordingScan(InitSegment Init, long WholeLength, long MediaStart, long MediaDuration, int Fragments, byte[] Entries)
{
    /// <summary>
    /// A file holds about a minute: a fragment timed more than a day from the file's first is damage, not video, and
    /// its time would overflow the wall times the index keeps.
    /// </summary>
    public const long MaxMediaSpan = 24L * 60 * 60 * MediaFragment.Timebase;

    /// <summary>
    /// Reads <paramref name="path"/> up to its last whole fragment. Scan is null when not even the init segment and one
    /// keyframe are whole, and Problem says why. Otherwise Problem says why the scan stopped before the end of the file
    /// when a box is damaged, and is null when the file simply ends (a crash cuts a file inside its last fragment).
    /// Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when the file cannot be read.
    /// </summary>
    public static async Task<(RecordingScan? Scan, string? Problem)> ReadAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: false);
        return await ReadAsync(file);
    }

    /// <summary>As <see cref="ReadAsync(string)"/>, from a stream positioned at the start of the file.</summary>
    public static async Task<(RecordingScan? Scan, string? Problem)> ReadAsync(Stream file)
    {
        var reader = new FragmentedMp4Reader(file);
        InitSegment init;
        try
        {
            init = await reader.ReadInitAsync(CancellationToken.None);
        }
        catch (EndOfStreamException)
        {
            return (null, "it ends before its first keyframe");
        }
        catch (Mp4FormatException ex)
        {
            return (null, "its init segment is damaged: " + ex.Message.TrimEnd('.'));
        }

        if (init.Video is null)
        {
            return (null, "it has no video track");
        }

        var entries = new ArrayBufferWriter<byte>();
        long whole = reader.Position, mediaStart = 0, mediaEnd = 0;
        var cursor = new FragmentEntryCodec.Cursor(whole, 0, 0);
        var fragments = 0;
        string? problem = null;
        while (true)
        {
            MediaFragment? fragment;
            try
            {
                fragment = await reader.ReadFragmentAsync(init, CancellationToken.None);
            }
            catch (EndOfStreamException)
            {
                break; // A fragment cut by a crash: the file ends before it.
            }
            catch (Mp4FormatException ex)
            {
                problem = ex.Message.TrimEnd('.');
                break;
            }

            if (fragment is null)
            {
                break;
            }

            if (reader.Position - fragment.Bytes.Length != whole)
            {
                // The index places each fragment right after the one before; the recorder writes nothing between them.
                problem = $"fragment {fragments + 1} does not follow the one before it";
                break;
            }

            if (fragments == 0)
            {
                if (!fragment.IsKeyframe)
                {
                    return (null, "it does not start with a keyframe");
                }

                mediaStart = fragment.DecodeTime;
            }

            var time = fragment.DecodeTime - mediaStart;
            if (time is < -MaxMediaSpan or > MaxMediaSpan || fragment.VideoDuration is < 0 or > MaxMediaSpan)
            {
                problem = $"fragment {fragments + 1} is timed more than a day from the file's start";
                break;
            }

            FragmentEntryCodec.Append(entries, ref cursor, fragment.Bytes.Length, fragment.IsKeyframe, time);
            if (fragment.HasVideo)
            {
                mediaEnd = Math.Max(mediaEnd, time + fragment.VideoDuration);
            }

            fragments++;
            whole = reader.Position;
        }

        if (fragments == 0)
        {
            return (null, problem is null ? "it ends before its first whole keyframe" : "its first fragment is damaged: " + problem);
        }

        return (new RecordingScan(init, whole, mediaStart, mediaEnd, fragments, entries.WrittenSpan.ToArray()), problem);
    }
}
