using System.Buffers.Binary;
using System.Text;
using Nightjar.Recording.Mp4;
using Nightjar.Recording.Storage;
using Nightjar.Recording.Tests.Scripted;

namespace Nightjar.Recording.Tests.Boxes;

/// <summary>
/// Real recordings damaged a few thousand ways, the same ways for every run (seeded): bytes flipped, the file cut,
/// box sizes and counts overwritten with 0, 1, 7, 2^31, 2^32 - 1 and such, ranges copied twice or cut out. Every
/// mutant is read as start-up reads a file, and its fragments replayed as playback does; each one reads, or is said
/// to be damaged, and nothing else. A mutant that failed is made again from its seed alone.
/// </summary>
public sealed class DamagedFileFuzzTests
{
    private const int Mutants = 4000;

    private static readonly string[] Containers = ["moov", "trak", "mdia", "minf", "stbl", "mvex", "moof", "traf", "edts", "dinf"];

    /// <summary>Sample entries: their children start after the entry's own fields.</summary>
    private static readonly Dictionary<string, int> Entries = new(StringComparer.Ordinal) { ["stsd"] = 8, ["avc1"] = 78, ["mp4a"] = 28 };

    [Fact]
    public async Task EveryMutantOfARecordingWithAudioAndLongRuns_ReadsOrIsSaidToBeDamaged()
    {
        await FuzzAsync(RecordedSample.Bytes, firstSeed: 1);
    }

    [Fact]
    public async Task EveryMutantOfARecordingOfOneFramePerFragment_ReadsOrIsSaidToBeDamaged()
    {
        var file = new List<byte>(SampleStream.Init.Bytes);
        for (var i = 0; i < 30; i++)
        {
            file.AddRange(SampleStream.Frame(i).Bytes);
        }

        await FuzzAsync([.. file], firstSeed: 1_000_000);
    }

    private static async Task FuzzAsync(byte[] original, int firstSeed)
    {
        var whole = await DamagedBoxTests.ReadAllAsync(original);
        Assert.True(whole.Fragments > 1);
        var headers = BoxHeaders(original);
        var fragments = FragmentRanges(original);
        var read = 0;
        for (var seed = firstSeed; seed < firstSeed + Mutants; seed++)
        {
            var (mutant, how) = Mutate(original, headers, new Random(seed));
            var thrown = await Record.ExceptionAsync(() => DamagedBoxTests.ReadAllAsync(mutant));
            Assert.True(thrown is null or Mp4FormatException or EndOfStreamException, $"mutant {seed} ({how}): {thrown}");
            read += thrown is null ? 1 : 0;
            await AssertScanIsWithinTheFileAsync(mutant, $"mutant {seed} ({how})");

            // Playback reads a fragment where the index says it is, whatever the disk now holds there.
            foreach (var (offset, length) in fragments.Where(f => f.Offset + f.Length <= mutant.Length))
            {
                var piece = mutant.AsSpan(offset, length).ToArray();
                var replayed = Record.Exception(() => FragmentRewriter.Rewrite(piece, whole.Init, -1_000_000, 7));
                Assert.True(replayed is null or Mp4FormatException, $"mutant {seed} ({how}), fragment at {offset}: {replayed}");
            }
        }

        // Some damage leaves a readable file (a flipped bit in a picture); most must not, or the mutations missed the boxes.
        Assert.InRange(read, 1, Mutants * 3 / 4);
    }

    /// <summary>Start-up's scan of the mutant: never an exception, and a result the index can hold (whole fragments, times in range).</summary>
    private static async Task AssertScanIsWithinTheFileAsync(byte[] mutant, string what)
    {
        using var stream = new MemoryStream(mutant, writable: false);
        var (scan, problem) = await RecordingScan.ReadAsync(stream).WaitAsync(TimeSpan.FromSeconds(60));
        if (scan is null)
        {
            Assert.False(string.IsNullOrEmpty(problem), what);
            return;
        }

        Assert.InRange(scan.WholeLength, scan.Init.Bytes.Length, mutant.Length);
        Assert.InRange(scan.MediaDuration, 0, 2 * RecordingScan.MaxMediaSpan);
        var entries = new List<FragmentEntry>();
        var cursor = new FragmentEntryCodec.Cursor(scan.Init.Bytes.Length, 0, 0);
        FragmentEntryCodec.Decode(scan.Entries, ref cursor, entries);
        Assert.Equal(scan.Fragments, entries.Count);
        Assert.Equal(scan.WholeLength, cursor.Offset);
        Assert.All(entries, e => Assert.InRange(e.Time, -RecordingScan.MaxMediaSpan, RecordingScan.MaxMediaSpan));
    }

    private static (byte[] Mutant, string How) Mutate(byte[] original, List<int> headers, Random random)
    {
        var bytes = new List<byte>(original);
        var how = new StringBuilder();
        for (var step = random.Next(1, 4); step > 0; step--)
        {
            if (bytes.Count < 16)
            {
                break;
            }

            var header = headers[random.Next(headers.Count)];
            switch (random.Next(6))
            {
                case 0:
                    for (var n = random.Next(1, 9); n > 0; n--)
                    {
                        var at = random.Next(bytes.Count);
                        bytes[at] ^= (byte)(1 << random.Next(8));
                        how.Append("flip@").Append(at).Append(' ');
                    }

                    break;
                case 1:
                    var length = random.Next(bytes.Count);
                    bytes.RemoveRange(length, bytes.Count - length);
                    how.Append("cut to ").Append(length).Append(' ');
                    break;
                case 2 when header + 16 <= bytes.Count:
                    var size = Extreme(random, bytes.Count);
                    Write(bytes, header, size);
                    how.Append("size@").Append(header).Append('=').Append(size).Append(' ');
                    if (size == 1)
                    {
                        ulong[] large = [ulong.MaxValue, long.MaxValue, 1UL << 63, 0, 7, 15, 16, 1UL << 40, (ulong)bytes.Count, (ulong)random.NextInt64()];
                        var largeSize = large[random.Next(large.Length)];
                        Write(bytes, header + 8, (uint)(largeSize >> 32));
                        Write(bytes, header + 12, (uint)largeSize);
                        how.Append("large=").Append(largeSize).Append(' ');
                    }

                    break;
                case 3 when header + 32 <= bytes.Count:
                    // Version and flags, counts, the first fields of a body: what sizes and loops are read from.
                    var field = header + 8 + (4 * random.Next(6));
                    var value = Extreme(random, bytes.Count);
                    Write(bytes, field, value);
                    how.Append("field@").Append(field).Append('=').Append(value).Append(' ');
                    break;
                case 4:
                    var from = random.Next(bytes.Count);
                    var copy = bytes.GetRange(from, Math.Min(random.Next(1, 4096), bytes.Count - from));
                    var to = random.Next(bytes.Count);
                    bytes.InsertRange(to, copy);
                    how.Append("copy ").Append(from).Append('+').Append(copy.Count).Append(" to ").Append(to).Append(' ');
                    break;
                case 5:
                    var start = random.Next(bytes.Count);
                    var count = Math.Min(random.Next(1, 4096), bytes.Count - start);
                    bytes.RemoveRange(start, count);
                    how.Append("remove ").Append(start).Append('+').Append(count).Append(' ');
                    break;
                default:
                    break;
            }
        }

        return ([.. bytes], how.ToString().TrimEnd());
    }

    private static uint Extreme(Random random, int length)
    {
        uint[] values = [0, 1, 7, 8, 9, 16, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0005, 0xFFFF_FFFF, 0xFFFF_FFF8, (uint)length, (uint)length + 1, (uint)random.Next()];
        return values[random.Next(values.Length)];
    }

    private static void Write(List<byte> bytes, int at, uint value)
    {
        Span<byte> field = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(field, value);
        for (var i = 0; i < 4; i++)
        {
            bytes[at + i] = field[i];
        }
    }

    /// <summary>Where every box of the whole file starts, walking into the containers the engine reads.</summary>
    private static List<int> BoxHeaders(byte[] file)
    {
        var headers = new List<int>();
        Walk(file, 0, file.Length, headers);
        return headers;
    }

    private static void Walk(byte[] file, int start, int end, List<int> headers)
    {
        for (var at = start; at + 8 <= end;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            var type = Encoding.ASCII.GetString(file, at + 4, 4);
            headers.Add(at);
            if (Containers.Contains(type))
            {
                Walk(file, at + 8, at + size, headers);
            }
            else if (Entries.TryGetValue(type, out var skip))
            {
                Walk(file, at + 8 + skip, at + size, headers);
            }

            at += size;
        }
    }

    /// <summary>Each moof and the mdat after it, as the index would list them.</summary>
    private static List<(int Offset, int Length)> FragmentRanges(byte[] file)
    {
        var ranges = new List<(int, int)>();
        for (var at = 0; at + 8 <= file.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            if (file.AsSpan(at + 4, 4).SequenceEqual("moof"u8))
            {
                var mdat = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + size));
                ranges.Add((at, size + mdat));
                size += mdat;
            }

            at += size;
        }

        return ranges;
    }
}
