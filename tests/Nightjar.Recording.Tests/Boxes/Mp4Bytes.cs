using System.Buffers.Binary;
using System.Text;

namespace Nightjar.Recording.Tests.Boxes;

/// <summary>Hand-made ISO BMFF boxes: a whole init segment and fragment to start from, and the pieces to damage them with.</summary>
internal static class Mp4Bytes
{
    public const uint TrackId = 1;

    public static byte[] Box(string type, params byte[][] parts) => Sized((uint)(8 + parts.Sum(p => p.Length)), type, parts);

    /// <summary>A box whose 32-bit size field says <paramref name="size"/>, whatever it holds.</summary>
    public static byte[] Sized(uint size, string type, params byte[][] parts) => Concat([U32(size), Encoding.ASCII.GetBytes(type), .. parts]);

    /// <summary>A box with size 1 and the 64-bit size <paramref name="largeSize"/> after its type.</summary>
    public static byte[] Large(ulong largeSize, string type, params byte[][] parts) => Concat([U32(1), Encoding.ASCII.GetBytes(type), U64(largeSize), .. parts]);

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Zeros(int count) => new byte[count];

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Ftyp() => Box("ftyp", Encoding.ASCII.GetBytes("isom"), U32(512), Encoding.ASCII.GetBytes("isomiso6avc1mp41"));

    public static byte[] Tkhd() => Box("tkhd", U32(3), Zeros(8), U32(TrackId), Zeros(68));

    public static byte[] Mdhd() => Box("mdhd", U32(0), Zeros(8), U32(90_000), Zeros(8));

    public static byte[] Hdlr() => Box("hdlr", U32(0), U32(0), Encoding.ASCII.GetBytes("vide"), Zeros(12), Encoding.ASCII.GetBytes("VideoHandler\0"));

    /// <summary>An <c>avc1</c> sample entry of 320×180 with an <c>avcC</c> of High profile, level 3.1.</summary>
    public static byte[] Avc1()
    {
        var entry = Zeros(78);
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(6), 1); // data reference index
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(24), 320);
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(26), 180);
        return Box("avc1", entry, Box("avcC", [1, 100, 0, 31, 0xFF, 0xE0, 0]));
    }

    public static byte[] Minf(byte[] sampleEntry) => Box("minf", Box("stbl", Box("stsd", U32(0), U32(1), sampleEntry)));

    /// <summary><c>ftyp</c> and a <c>moov</c> of one video track; the parts given replace the whole ones, in the order given.</summary>
    public static byte[] Init(byte[]? tkhd = null, byte[][]? mdia = null) =>
        Concat(Ftyp(), Box("moov", Box("trak", tkhd ?? Tkhd(), Box("mdia", mdia ?? [Mdhd(), Hdlr(), Minf(Avc1())]))));

    public static byte[] Tfhd() => Box("tfhd", U32(0x02_0000), U32(TrackId)); // default-base-is-moof

    public static byte[] Tfdt(ulong decodeTime) => Box("tfdt", U32(0x0100_0000), U64(decodeTime));

    /// <summary>A trun of one keyframe sample with its size and duration.</summary>
    public static byte[] Trun() => Box("trun", U32(0x00_0305), U32(1), U32(0), U32(0x0200_0000), U32(3600), U32(4));

    /// <summary>One <c>moof</c> (of one <c>traf</c> holding <paramref name="traf"/>) and an <c>mdat</c> of 4 bytes.</summary>
    public static byte[] Fragment(params byte[][] traf) =>
        Concat(Box("moof", Box("mfhd", U32(0), U32(1)), Box("traf", traf)), Box("mdat", [0, 0, 0, 0]));

    public static byte[] WholeFragment(ulong decodeTime = 0) => Fragment(Tfhd(), Tfdt(decodeTime), Trun());
}
