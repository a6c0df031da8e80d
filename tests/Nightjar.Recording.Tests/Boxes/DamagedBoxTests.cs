using Nightjar.Recording.Mp4;
using static Nightjar.Recording.Tests.Boxes.Mp4Bytes;

namespace Nightjar.Recording.Tests.Boxes;

/// <summary>
/// Files damaged in one known way each: the reader says "not MP4" (<see cref="Mp4FormatException"/>) or "cut short"
/// (<see cref="EndOfStreamException"/>), and nothing else, and it never hangs.
/// </summary>
public sealed class DamagedBoxTests
{
    public static TheoryData<string, byte[]> DamagedFiles => new()
    {
        // Box headers.
        { "a 64-bit size above long.MaxValue", Concat(Init(), Large(ulong.MaxValue, "free")) },
        { "a 64-bit size of 2^63", Concat(Init(), Large(1UL << 63, "moof")) },
        { "a 64-bit size past the end of the file", Concat(Init(), Large(1UL << 40, "free")) },
        { "a 64-bit size smaller than its header", Concat(Init(), Large(15, "free")) },
        { "a box of size 0", Concat(Init(), Sized(0, "moof")) },
        { "a box of size 7", Concat(Init(), Sized(7, "moof")) },
        { "a box of size 0xFFFFFFFF", Concat(Init(), Sized(uint.MaxValue, "free")) },
        { "an mdat of size 0xFFFFFFFF", Concat(Init(), WholeFragment()[..^12], Sized(uint.MaxValue, "mdat")) },
        { "a moov of int.MaxValue bytes", Concat(Ftyp(), Sized(int.MaxValue, "moov")) },
        { "a child larger than its parent", Concat(Ftyp(), Box("moov", Sized(4096, "trak", Tkhd()))) },
        { "a child with a 64-bit size larger than its parent", Concat(Ftyp(), Box("moov", Large(ulong.MaxValue, "trak", Tkhd()))) },
        { "a file cut inside a header", Concat(Init(), WholeFragment()[..5]) },
        { "a file cut inside a fragment", Concat(Init(), WholeFragment()[..^2]) },

        // Fields read at fixed offsets inside a box that is too short for them.
        { "a tkhd cut short", Init(tkhd: Box("tkhd", [0])) },
        { "a version-1 tkhd of version-0 length", Init(tkhd: Box("tkhd", U32(0x0100_0000), Zeros(16))) },
        { "an mdhd cut short", Init(mdia: [Hdlr(), Minf(Avc1()), Box("mdhd", U32(0))]) },
        { "an hdlr cut short", Init(mdia: [Mdhd(), Minf(Avc1()), Box("hdlr", U32(0))]) },
        { "a video sample entry cut short", Init(mdia: [Mdhd(), Hdlr(), Minf(Box("avc1", Zeros(10)))]) },
        { "a version-1 tfdt of version-0 length", Concat(Init(), Fragment(Tfhd(), Box("tfdt", U32(0x0100_0000), U32(0)), Trun())) },
        { "a tfhd cut short", Concat(Init(), Fragment(Box("tfhd", U32(0x02_0008), U32(TrackId), U32(7)[..2]), Trun())) },

        // Sample counts.
        { "a trun of 2^31 + 5 samples without per-sample fields", Concat(Init(), Fragment(Tfhd(), Tfdt(0), Box("trun", U32(0x00_0001), U32(0x8000_0005), U32(0)))) },
        { "a trun of 2^32 - 1 samples without per-sample fields", Concat(Init(), Fragment(Tfhd(), Tfdt(0), Box("trun", U32(0), U32(uint.MaxValue)))) },
        { "a trun whose data offset lies past its end", Concat(Init(), Fragment(Tfhd(), Tfdt(0), Box("trun", U32(0x00_0101), U32(1)))) },
        { "a trun of more samples than it holds", Concat(Init(), Fragment(Tfhd(), Tfdt(0), Box("trun", U32(0x00_0100), U32(1000), U32(3600)))) },
        { "a decode time above 2^63", Concat(Init(), Fragment(Tfhd(), Tfdt(ulong.MaxValue), Trun())) },
    };

    [Fact]
    public async Task TheHandMadeFile_IsWholeBeforeItIsDamaged()
    {
        var read = await ReadAllAsync(Concat(Init(), WholeFragment(), WholeFragment(3600)));

        Assert.Equal(2, read.Fragments);
        Assert.Equal(320, read.Init.Video!.Width);
        Assert.Equal("avc1.64001f", read.Init.BrowserCodecs);
    }

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public async Task ADamagedFile_IsSaidToBeDamaged_WithNoOtherException(string damage, byte[] file)
    {
        var thrown = await Record.ExceptionAsync(() => ReadAllAsync(file));

        Assert.True(thrown is Mp4FormatException or EndOfStreamException, $"{damage}: {thrown?.ToString() ?? "read as whole"}");
    }

    [Fact]
    public void ReplayingAFragmentWithAShortVersion1Tfdt_SaysItIsDamaged()
    {
        var init = InitSegment.Parse(Init());
        // Last in its traf, so the 64-bit time would be read from, and written over, the mdat's header.
        var fragment = Fragment(Tfhd(), Trun(), Box("tfdt", U32(0x0100_0000), U32(0)));

        Assert.Throws<Mp4FormatException>(() => FragmentRewriter.Rewrite(fragment, init, 90_000, 1));
    }

    /// <summary>
    /// Reads the init segment and every fragment, as start-up's scan does. A reader that loops for ever would hold the test
    /// until its bound, far beyond any real read, and fail it.
    /// </summary>
    internal static async Task<(InitSegment Init, int Fragments)> ReadAllAsync(byte[] file)
    {
        return await Task.Run(async () =>
        {
            using var stream = new MemoryStream(file, writable: false);
            var reader = new FragmentedMp4Reader(stream);
            var init = await reader.ReadInitAsync(CancellationToken.None);
            var fragments = 0;
            while (await reader.ReadFragmentAsync(init, CancellationToken.None) is not null)
            {
                fragments++;
            }

            return (init, fragments);
        }).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
