using System.Buffers;
using CsCheck;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Tests.Scripted;

public sealed class FragmentEntryCodecTests
{
    [Fact]
    public void AnyRunOfEntries_DecodesToTheOffsetsSizesAndTimesItWasWrittenFrom()
    {
        var entry = Gen.Select(Gen.Int[1, 32 << 20], Gen.Bool, Gen.Long[-10_000_000, 10_000_000]);
        Gen.Select(entry.Array[0, 200], Gen.Long[0, 1 << 20]).Sample(input =>
        {
            var (entries, initBytes) = input;
            var blob = new ArrayBufferWriter<byte>();
            var writer = new FragmentEntryCodec.Cursor(initBytes, 0, 0);
            long time = 0;
            foreach (var (size, key, delta) in entries)
            {
                time += delta;
                FragmentEntryCodec.Append(blob, ref writer, size, key, time);
            }

            var decoded = new List<FragmentEntry>();
            var reader = new FragmentEntryCodec.Cursor(initBytes, 0, 0);
            FragmentEntryCodec.Decode(blob.WrittenSpan, ref reader, decoded);
            Assert.Equal(writer, reader);

            Assert.Equal(entries.Length, decoded.Count);
            long expectedOffset = initBytes, expectedTime = 0;
            for (var i = 0; i < entries.Length; i++)
            {
                expectedTime += entries[i].Item3;
                Assert.Equal(new FragmentEntry(expectedOffset, entries[i].Item1, expectedTime, entries[i].Item2), decoded[i]);
                expectedOffset += entries[i].Item1;
            }
        });
    }

    [Fact]
    public void AFrameOfConstantRateVideo_CostsFourBytesOrLess()
    {
        var blob = new ArrayBufferWriter<byte>();
        var cursor = default(FragmentEntryCodec.Cursor);
        for (var i = 0; i < 1000; i++)
        {
            FragmentEntryCodec.Append(blob, ref cursor, 20_000 + (i % 7 * 1000), i % 50 == 0, i * 3600L);
        }

        // Three bytes of size, one of unchanged time step; the second entry sets the step once.
        Assert.True(blob.WrittenCount <= 4002, $"{blob.WrittenCount} bytes for 1000 frames");
    }
}
