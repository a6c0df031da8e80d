using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Nightjar.Recording.Tests.Boxes;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>Start-up reads back files the index does not fully describe: a damaged one is logged and passed over, never a stop or a hang.</summary>
public sealed class DamagedFilesAtStartTests
{
    [Fact]
    public async Task DamagedAndUnreadableFiles_AreLoggedWithWhy_AndStartUpGoesOnToIndexTheRest()
    {
        using var folder = new TemporaryFolder();
        var day = Path.Combine(folder.Path, "porch", "main", "2026-12-01");
        Directory.CreateDirectory(day);
        string File(string time) => Path.Combine(day, $"20261201T{time}.000000Z.mp4");
        var whole = File("100000");
        var hugeBox = File("100100");
        var endlessRun = File("100200");
        var timeLeap = File("100300");
        var junk = File("100400");
        await System.IO.File.WriteAllBytesAsync(whole, Recording(30));
        await System.IO.File.WriteAllBytesAsync(hugeBox, [.. Recording(10), .. Mp4Bytes.Large(ulong.MaxValue, "free"), .. Fragments(10, 20)]);
        await System.IO.File.WriteAllBytesAsync(endlessRun, [.. SampleStream.Init.Bytes, .. EndlessRun(SampleStream.Frame(0).Bytes), .. Fragments(1, 10)]);
        await System.IO.File.WriteAllBytesAsync(timeLeap, [.. Recording(10), .. DecodeTime(SampleStream.Frame(10).Bytes, 1L << 62), .. Fragments(11, 10)]);
        await System.IO.File.WriteAllBytesAsync(junk, [0, 0, 0, 8, (byte)'j', (byte)'u', (byte)'n', (byte)'k', 1, 2, 3]);
        var unreadable = File("100500");
        System.IO.File.CreateSymbolicLink(unreadable, Path.Combine(folder.Path, "gone.mp4")); // listed, but opening it fails

        await using var engine = await ScriptedEngine.StartAsync(folder: folder).WaitAsync(TimeSpan.FromMinutes(2));
        var recordings = await engine.RecordingsAsync("porch");

        Assert.Equal(30, Assert.Single(recordings, r => r.Path.EndsWith("100000.000000Z.mp4", StringComparison.Ordinal)).Fragments);
        Assert.Equal(10, Assert.Single(recordings, r => r.Path.EndsWith("100100.000000Z.mp4", StringComparison.Ordinal)).Fragments);
        var leap = Assert.Single(recordings, r => r.Path.EndsWith("100300.000000Z.mp4", StringComparison.Ordinal));
        Assert.Equal(10, leap.Fragments);
        Assert.InRange(leap.End - leap.Start, TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.5));
        Assert.DoesNotContain(recordings, r => r.Path.EndsWith("100200.000000Z.mp4", StringComparison.Ordinal) || r.Path.EndsWith("100400.000000Z.mp4", StringComparison.Ordinal));
        var warnings = engine.Log.Messages(LogLevel.Warning).ToList();
        foreach (var (damaged, why) in new[] { (hugeBox, "size"), (endlessRun, "samples"), (timeLeap, "time"), (junk, "junk") })
        {
            Assert.Contains(warnings, w => w.Contains(Path.GetFileName(damaged), StringComparison.Ordinal) && w.Contains(why, StringComparison.Ordinal));
        }

        Assert.Contains(warnings, w => w.StartsWith("Skipping " + unreadable, StringComparison.Ordinal));
        Assert.True(System.IO.File.Exists(whole));
    }

    private static byte[] Recording(int frames) => [.. SampleStream.Init.Bytes, .. Fragments(0, frames)];

    private static byte[] Fragments(int first, int count) => [.. Enumerable.Range(first, count).SelectMany(i => SampleStream.Frame(i).Bytes)];

    /// <summary>The fragment with its track run saying 2^31 + 5 samples and no per-sample fields.</summary>
    private static byte[] EndlessRun(byte[] fragment)
    {
        var bytes = (byte[])fragment.Clone();
        var body = bytes.AsSpan().IndexOf("trun"u8) + 4;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(body), 0x00_0001);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(body + 4), 0x8000_0005);
        return bytes;
    }

    private static byte[] DecodeTime(byte[] fragment, long time)
    {
        var bytes = (byte[])fragment.Clone();
        var body = bytes.AsSpan().IndexOf("tfdt"u8) + 4;
        Assert.Equal(1, bytes[body]); // ffmpeg writes 64-bit decode times
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(body + 4), time);
        return bytes;
    }
}
