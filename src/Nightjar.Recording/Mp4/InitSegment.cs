using System.Buffers.Binary;
using System.Text;

namespace Nightjar.Recording.Mp4;

/// <summary>
/// The <c>ftyp</c> + <c>moov</c> that starts a fragmented MP4: which tracks there are, their codecs and time scales.
/// Every recording file begins with these exact bytes, so each file plays on its own.
/// </summary>
public sealed class InitSegment
{
    /// <summary>A camera's init segment is a few hundred bytes; anything this large is not one.</summary>
    public const int MaxBytes = 1 << 20;

    private InitSegment(byte[] bytes, IReadOnlyList<TrackInfo> tracks)
    {
        Bytes = bytes;
        Tracks = tracks;
        Video = tracks.FirstOrDefault(t => t.Kind == TrackKind.Video);
        Audio = tracks.FirstOrDefault(t => t.Kind == TrackKind.Audio);
    }

    public byte[] Bytes { get; }

    public IReadOnlyList<TrackInfo> Tracks { get; }

    public TrackInfo? Video { get; }

    public TrackInfo? Audio { get; }

    /// <summary>The Media Source Extensions codecs of this stream ("avc1.64001f,mp4a.40.2"), or null when the video has none.</summary>
    public string? BrowserCodecs =>
        Video?.Codec.BrowserCodec is { } video ? (Audio?.Codec.BrowserCodec is { } audio ? video + "," + audio : video) : null;

    public TrackInfo? Track(uint id)
    {
        foreach (var track in Tracks)
        {
            if (track.Id == id)
            {
                return track;
            }
        }

        return null;
    }

    /// <summary>Parses <c>ftyp</c> followed by <c>moov</c>. Throws <see cref="Mp4FormatException"/> when they are not there or not whole.</summary>
    public static InitSegment Parse(byte[] bytes)
    {
        var tracks = new List<TrackInfo>();
        var defaults = new Dictionary<uint, (uint Duration, uint Flags)>();
        var sawFtyp = false;
        var sawMoov = false;
        foreach (var (box, offset) in Box.Children(bytes, 0, bytes.Length))
        {
            var body = offset + box.HeaderSize;
            var end = offset + (int)box.Size;
            if (box.Type == Box.Ftyp)
            {
                sawFtyp = true;
            }
            else if (box.Type == Box.Moov)
            {
                sawMoov = true;
                foreach (var (child, childOffset) in Box.Children(bytes, body, end))
                {
                    var childBody = childOffset + child.HeaderSize;
                    var childEnd = childOffset + (int)child.Size;
                    if (child.Type == Box.Trak)
                    {
                        tracks.Add(ParseTrack(bytes, childBody, childEnd));
                    }
                    else if (child.Type == Box.Mvex)
                    {
                        foreach (var (trex, trexOffset) in Box.Children(bytes, childBody, childEnd))
                        {
                            if (trex.Type == Box.Trex && trex.BodySize >= 24)
                            {
                                var t = bytes.AsSpan(trexOffset + trex.HeaderSize);
                                defaults[BinaryPrimitives.ReadUInt32BigEndian(t[4..])] =
                                    (BinaryPrimitives.ReadUInt32BigEndian(t[12..]), BinaryPrimitives.ReadUInt32BigEndian(t[20..]));
                            }
                        }
                    }
                }
            }
        }

        if (!sawFtyp || !sawMoov)
        {
            throw new Mp4FormatException("The stream does not start with ftyp and moov.");
        }

        for (var i = 0; i < tracks.Count; i++)
        {
            if (defaults.TryGetValue(tracks[i].Id, out var d))
            {
                tracks[i] = tracks[i] with { DefaultSampleDuration = d.Duration, DefaultSampleFlags = d.Flags };
            }
        }

        return new InitSegment(bytes, tracks);
    }

    private static TrackInfo ParseTrack(byte[] bytes, int start, int end)
    {
        uint id = 0, timescale = 0;
        var kind = TrackKind.Other;
        var codec = new MediaCodec("none", "none", null);
        int width = 0, height = 0;
        foreach (var (box, offset) in Box.Children(bytes, start, end))
        {
            var body = offset + box.HeaderSize;
            if (box.Type == Box.Tkhd)
            {
                id = VersionedField(bytes, box, offset, 12, 20);
            }
            else if (box.Type == Box.Mdia)
            {
                foreach (var (media, mediaOffset) in Box.Children(bytes, body, offset + (int)box.Size))
                {
                    var mediaBody = mediaOffset + media.HeaderSize;
                    if (media.Type == Box.Mdhd)
                    {
                        timescale = VersionedField(bytes, media, mediaOffset, 12, 20);
                    }
                    else if (media.Type == Box.Hdlr)
                    {
                        kind = Encoding.ASCII.GetString(Box.Body(bytes, media, mediaOffset, 12).Slice(8, 4)) switch
                        {
                            "vide" => TrackKind.Video,
                            "soun" => TrackKind.Audio,
                            _ => TrackKind.Other,
                        };
                    }
                    else if (media.Type == Box.Minf)
                    {
                        var stsd = FindPath(bytes, mediaBody, mediaOffset + (int)media.Size, Box.Stbl, Box.Stsd);
                        if (stsd is { } s)
                        {
                            (codec, width, height) = ParseSampleEntry(bytes, s.Body + 8, s.End);
                        }
                    }
                }
            }
        }

        if (id == 0 || timescale == 0)
        {
            throw new Mp4FormatException("A track has no id or no time scale.");
        }

        return new TrackInfo(id, kind, timescale, codec, width, height, 0, 0);
    }

    /// <summary>
    /// A 32-bit field of a full box whose offset in the body depends on the version: the creation and modification
    /// times before it are 32 bits in version 0 (<c>tkhd</c>'s track id and <c>mdhd</c>'s time scale at 12) and 64 in version 1 (at 20).
    /// </summary>
    private static uint VersionedField(byte[] bytes, Box box, int offset, int atVersion0, int atVersion1)
    {
        var at = Box.Body(bytes, box, offset, 1)[0] == 1 ? atVersion1 : atVersion0;
        return BinaryPrimitives.ReadUInt32BigEndian(Box.Body(bytes, box, offset, at + 4)[at..]);
    }

    private static (int Body, int End)? FindPath(byte[] bytes, int start, int end, params uint[] path)
    {
        foreach (var type in path)
        {
            if (Box.Find(bytes, start, end, type) is not { } found)
            {
                return null;
            }

            start = found.Offset + found.Box.HeaderSize;
            end = found.Offset + (int)found.Box.Size;
        }

        return (start, end);
    }

    private static (MediaCodec Codec, int Width, int Height) ParseSampleEntry(byte[] bytes, int start, int end)
    {
        if (start + 8 > end || !Box.TryRead(bytes.AsSpan(start, end - start), out var entry) || entry.Size > end - start)
        {
            throw new Mp4FormatException("A track has no sample description.");
        }

        var name = Encoding.ASCII.GetString(bytes, start + 4, 4);
        var body = start + entry.HeaderSize;
        var entryEnd = start + (int)entry.Size;
        int width = 0, height = 0, children;
        if (name is "avc1" or "avc3" or "hvc1" or "hev1" or "mp4v" or "jpeg" or "mjpa")
        {
            if (entryEnd - body < 28)
            {
                throw new Mp4FormatException($"The '{Box.Name(entry.Type)}' sample description is too short for its picture size.");
            }

            width = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(body + 24));
            height = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(body + 26));
            children = body + 78;
        }
        else
        {
            children = body + 28;
        }

        uint configType = 0;
        ReadOnlySpan<byte> config = default;
        byte objectType = 0;
        if (children < entryEnd)
        {
            foreach (var (child, offset) in Box.Children(bytes, children, entryEnd))
            {
                var childBody = bytes.AsSpan(offset + child.HeaderSize, (int)child.BodySize);
                if (child.Type is Box.AvcC or Box.HvcC)
                {
                    configType = child.Type;
                    config = childBody;
                }
                else if (child.Type == 0x65736473) // esds
                {
                    objectType = EsdsObjectType(childBody);
                }
            }
        }

        return (MediaCodec.Describe(name, config, configType, objectType), width, height);
    }

    /// <summary>The objectTypeIndication of the DecoderConfigDescriptor inside an <c>esds</c> (ISO 14496-1 §7.2.6).</summary>
    private static byte EsdsObjectType(ReadOnlySpan<byte> esds)
    {
        var at = 4; // version and flags
        if (!ReadDescriptor(esds, ref at, out var tag) || tag != 0x03)
        {
            return 0;
        }

        if (at + 3 > esds.Length)
        {
            return 0;
        }

        var flags = esds[at + 2];
        at += 3;
        if ((flags & 0x80) != 0)
        {
            at += 2;
        }

        if ((flags & 0x40) != 0 && at < esds.Length)
        {
            at += 1 + esds[at];
        }

        if ((flags & 0x20) != 0)
        {
            at += 2;
        }

        return ReadDescriptor(esds, ref at, out tag) && tag == 0x04 && at < esds.Length ? esds[at] : (byte)0;
    }

    private static bool ReadDescriptor(ReadOnlySpan<byte> data, ref int at, out byte tag)
    {
        tag = 0;
        if (at >= data.Length)
        {
            return false;
        }

        tag = data[at++];
        for (var i = 0; i < 4 && at < data.Length; i++)
        {
            if ((data[at++] & 0x80) == 0)
            {
                return true;
            }
        }

        return at <= data.Length;
    }
}
