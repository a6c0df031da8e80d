using System.Buffers;
using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Storage;

/// <summary>
/// What a recording file holds, read from the file itself: its init segment and every whole fragment. Used at
/// start-up for files the index does not fully describe (written after the last commit, or never committed).
/// </summary>
internal sealed record RecordingScan(InitSegment Init, long WholeLength, long MediaStart, long MediaDuration, int Fragments, byte[] Entries)
{
    /// <summary>Reads <paramref name="path"/> up to its last whole fragment. Null when not even the init segment and one keyframe are whole.</summary>
    public static async Task<RecordingScan?> ReadAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: false);
        var reader = new FragmentedMp4Reader(file);
        InitSegment init;
        try
        {
            init = await reader.ReadInitAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is Mp4FormatException or EndOfStreamException)
        {
            return null;
        }

        if (init.Video is null)
        {
            return null;
        }

        var entries = new ArrayBufferWriter<byte>();
        long whole = reader.Position, mediaStart = 0, mediaEnd = 0;
        var cursor = new FragmentEntryCodec.Cursor(whole, 0, 0);
        var fragments = 0;
        while (true)
        {
            MediaFragment? fragment;
            try
            {
                fragment = await reader.ReadFragmentAsync(init, CancellationToken.None);
            }
            catch (Exception ex) when (ex is Mp4FormatException or EndOfStreamException)
            {
                break; // A fragment cut by a crash: the file ends before it.
            }

            if (fragment is null)
            {
                break;
            }

            if (fragments == 0)
            {
                if (!fragment.IsKeyframe)
                {
                    return null;
                }

                mediaStart = fragment.DecodeTime;
            }

            var time = fragment.DecodeTime - mediaStart;
            FragmentEntryCodec.Append(entries, ref cursor, fragment.Bytes.Length, fragment.IsKeyframe, time);
            if (fragment.HasVideo)
            {
                mediaEnd = Math.Max(mediaEnd, time + fragment.VideoDuration);
            }

            fragments++;
            whole = reader.Position;
        }

        return fragments == 0 ? null : new RecordingScan(init, whole, mediaStart, mediaEnd, fragments, entries.WrittenSpan.ToArray());
    }
}
