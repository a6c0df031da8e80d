using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>The quota: the oldest whole files go first, each deletion in the log, and recording never stops.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task UsedBytes_NeverExceedTheQuotaByMoreThanTheOpenFile_AndTheOldestFilesGoFirst()
    {
        const long quota = 3_000_000;
        await using var scripted = await ScriptedEngine.StartAsync(maxBytes: quota);
        var sources = await scripted.ConnectAsync("porch");
        var checks = new List<Task>();
        long worstOver = long.MinValue;
        await scripted.FeedAsync(sources, 0, 25 * 60 * 6, TimeSpan.FromMilliseconds(40), frame =>
        {
            if (frame % 25 == 24)
            {
                checks.Add(Check());
            }
        });
        await Task.WhenAll(checks);
        await scripted.Engine.StopAsync("test over");

        Assert.True(worstOver <= 0, $"The recordings went {worstOver} bytes past the quota plus the open file.");
        var deletions = scripted.Log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Deleted recording", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(deletions);
        Assert.All(deletions, d => Assert.Contains("to keep within the recordings quota", d.Message, StringComparison.Ordinal));

        var kept = await scripted.RecordingsAsync("porch");
        for (var i = 1; i < kept.Count; i++)
        {
            Assert.Equal(kept[i - 1].End, kept[i].Start); // what is left is the newest, without holes
        }

        var onDisk = Directory.GetFiles(scripted.Folder.Path, "*.mp4", SearchOption.AllDirectories).Length;
        Assert.Equal(kept.Count, onDisk);
        Assert.True(kept.Sum(r => r.Bytes) <= quota);

        async Task Check()
        {
            var recordings = await scripted.RecordingsAsync("porch");
            var open = recordings.Where(r => r.Open).Sum(r => r.Bytes);
            var over = recordings.Sum(r => r.Bytes) - quota - open;
            lock (checks)
            {
                worstOver = Math.Max(worstOver, over);
            }
        }
    }

    [Fact]
    public async Task ADiskBelowItsFreeSpaceFloor_LosesTheOldestFiles_ForFreeSpace_WithoutAQuota()
    {
        // A floor no disk can reach: every closed file goes, oldest first, for free space, and the log says none is left.
        var floor = Nightjar.Recording.Storage.DiskSpace.FreeBytesOf(Path.GetTempPath()) + (1L << 50);
        await using var scripted = await ScriptedEngine.StartAsync(minFreeBytes: floor);
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 60 * 3, TimeSpan.FromMilliseconds(40));
        await scripted.Engine.StopAsync("test over");

        var deletions = scripted.Log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Deleted recording", StringComparison.Ordinal)).ToList();
        Assert.True(deletions.Count >= 2, $"{deletions.Count} files deleted for free space");
        Assert.All(deletions, d => Assert.Contains("to keep the recordings disk's free space", d.Message, StringComparison.Ordinal));
        Assert.Contains(scripted.Log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("no closed recording is left to delete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRoomKeptFreeForOthers_IsKeptFromRecordings_OnTopOfTheFloor_ButWaitsForAReader()
    {
        // A disk of 100 MB whose free space is what the recordings leave; 1 MB floor; others (the exports) keep a part.
        const long floor = 1_000_000;
        long disk = 100_000_000;
        long keptForOthers = 0;
        await using var scripted = await ScriptedEngine.StartAsync(minFreeBytes: floor, keptFreeForOthers: () => Interlocked.Read(ref keptForOthers));
        scripted.Engine.FreeBytesOf = _ => Interlocked.Read(ref disk) - OnDisk(scripted);
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 60 * 4, TimeSpan.FromMilliseconds(40));
        await Task.Delay(200); // the last retention round is over
        Assert.DoesNotContain(scripted.Log.Entries, e => e.Message.StartsWith("Deleted recording", StringComparison.Ordinal)); // room enough
        var closed = (await scripted.RecordingsAsync("porch")).Where(r => !r.Open).ToList();
        Assert.True(closed.Count >= 3, $"{closed.Count} closed files");
        var excerpt = await scripted.Engine.ExcerptAsync(new StreamKey("porch", StreamKind.Main), closed[0].Start, closed[0].End);
        Assert.NotNull(excerpt);
        await using var reader = excerpt.TryOpen(); // the oldest file is being read
        Assert.NotNull(reader);

        // The disk is now nearly full (the recordings, the floor and a file's worth free), and others keep all the free
        // space but half of the second-oldest file: less than half the recordings' room, above the floor, so the reader
        // is waited for.
        Interlocked.Exchange(ref disk, OnDisk(scripted) + floor + closed[1].Bytes);
        Interlocked.Exchange(ref keptForOthers, Interlocked.Read(ref disk) - OnDisk(scripted) - floor + closed[1].Bytes / 2);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (File.Exists(scripted.Engine.Layout.FullPath(closed[1].Path)))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "The room kept for others was not made.");
            scripted.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        Assert.True(File.Exists(scripted.Engine.Layout.FullPath(closed[0].Path)), "Deleted while its reader was reading, though the floor was not at stake.");
        var deletion = Assert.Single(scripted.Log.Entries, e => e.Message.StartsWith("Deleted recording", StringComparison.Ordinal));
        Assert.Contains("to keep the recordings disk's free space", deletion.Message, StringComparison.Ordinal);
        Assert.True(scripted.Engine.FreeBytesOf("") >= floor + Interlocked.Read(ref keptForOthers), "The room kept for others is not free.");
    }

    [Fact]
    public async Task OthersAskingForMoreThanTheDiskHas_LeaveRecordingsHalfTheirRoom()
    {
        // Exports with a bound larger than the disk (a typo, or a small card) ask for everything: recordings, taking
        // far less than half of a 100 MB disk, lose nothing.
        const long disk = 100_000_000, floor = 1_000_000;
        await using var scripted = await ScriptedEngine.StartAsync(minFreeBytes: floor, keptFreeForOthers: () => 1L << 50);
        scripted.Engine.FreeBytesOf = _ => disk - OnDisk(scripted);
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 60 * 3, TimeSpan.FromMilliseconds(40));
        await scripted.Engine.StopAsync("test over");

        Assert.True((await scripted.RecordingsAsync("porch")).Count >= 3, "Recordings were not kept.");
        Assert.DoesNotContain(scripted.Log.Entries, e => e.Message.StartsWith("Deleted recording", StringComparison.Ordinal));
    }

    private static long OnDisk(ScriptedEngine scripted) =>
        Directory.EnumerateFiles(scripted.Folder.Path, "*.mp4", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
