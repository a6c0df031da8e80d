namespace Nightjar.Recording.Tests.Scripted;

/// <summary>
/// Recordings being played or exported are leased: retention keeping the quota passes them by until their reader is
/// done, and deletes them then. What must go anyway (the disk's free-space floor, the owner's Delete Recordings)
/// ends the reader with <see cref="Playback.RecordingsDeletedException"/>, in words, never an error of its own.
/// </summary>
public sealed class DeletedWhileReadTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);
    private static readonly StreamKey Porch = new("porch", StreamKind.Main);

    [Fact]
    public async Task ASlowReader_GetsEveryByte_WhileRetentionWouldDeleteItsFiles_WhichGoOnceItIsDone()
    {
        await using var scripted = await ScriptedEngine.StartAsync(maxBytes: 30_000_000);
        var sources = await scripted.ConnectAsync("porch");
        long frame = 0;
        await FeedUntilAsync(async () => (await scripted.Engine.GetStorageFiguresAsync()).ForcedDeletions > 0);
        await Task.Delay(200); // the last retention round is over
        var oldest = (await scripted.RecordingsAsync("porch")).Where(r => !r.Open).Take(2).ToList();
        Assert.Equal(2, oldest.Count);
        var excerpt = await scripted.Engine.ExcerptAsync(Porch, oldest[0].Start, oldest[1].End);
        Assert.NotNull(excerpt);

        var read = new MemoryStream();
        await using (var reader = excerpt.TryOpen())
        {
            Assert.NotNull(reader);
            await CopyAsync(reader, read, 1000); // a slow client: a little, then nothing for minutes of recording
            var deletedBefore = (await scripted.Engine.GetStorageFiguresAsync()).ForcedDeletions;
            await FeedUntilAsync(async () => (await scripted.Engine.GetStorageFiguresAsync()).ForcedDeletions >= deletedBefore + 3);

            Assert.All(oldest, r => Assert.True(File.Exists(scripted.Engine.Layout.FullPath(r.Path)), $"{r.Path} was deleted while leased."));
            await reader.CopyToAsync(read);
            Assert.Equal(2, scripted.Engine.LeasedFiles);
        }

        Assert.Equal(excerpt.Length, read.Length);
        Assert.Equal(0, scripted.Engine.LeasedFiles);
        await FeedUntilAsync(() => Task.FromResult(oldest.All(r => !File.Exists(scripted.Engine.Layout.FullPath(r.Path)))));
        Assert.DoesNotContain(await scripted.RecordingsAsync("porch"), r => oldest.Any(o => o.Id == r.Id));

        // Feeds a second of frames at a time until the condition holds (retention runs after each flush, once a second).
        async Task FeedUntilAsync(Func<Task<bool>> condition)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!await condition())
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "The condition did not come true.");
                await scripted.FeedAsync(sources, frame, 25, Frame);
                frame += 25;
                await Task.Delay(5);
            }
        }
    }

    [Fact]
    public async Task UnderTheFreeSpaceFloor_RetentionDeletesFilesBeingRead_AndTheReaderEndsSayingSo()
    {
        await using var scripted = await ScriptedEngine.StartAsync(minFreeBytes: 1L << 40);
        scripted.Engine.FreeBytesOf = _ => 1L << 41; // room enough, until the disk fills below
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 60 * 3, Frame);
        var closed = (await scripted.RecordingsAsync("porch")).Where(r => !r.Open).ToList();
        Assert.True(closed.Count >= 2, $"{closed.Count} closed files");
        var excerpt = await scripted.Engine.ExcerptAsync(Porch, closed[0].Start, closed[^1].End);
        Assert.NotNull(excerpt);
        await using var reader = excerpt.TryOpen();
        Assert.NotNull(reader);
        await CopyAsync(reader, Stream.Null, excerpt.Pieces[1].ExcerptOffset - 10); // inside the first file, its handle open

        scripted.Engine.FreeBytesOf = _ => 0; // the disk is full: the floor goes before any reader
        await WaitForAsync(scripted, () => Task.FromResult(closed.All(r => !File.Exists(scripted.Engine.Layout.FullPath(r.Path)))));

        var ended = await Assert.ThrowsAsync<Playback.RecordingsDeletedException>(() => reader.CopyToAsync(Stream.Null));
        Assert.Equal("These recordings were deleted while being read, to keep the recordings disk's free space.", ended.Message);
        await reader.DisposeAsync();
        Assert.Equal(0, scripted.Engine.LeasedFiles);

        // A plan made before the deletion cannot be opened any more, and is not handed out again.
        Assert.Null(excerpt.TryOpen());
        Assert.Null(await scripted.Engine.ExcerptAsync(Porch, closed[0].Start, closed[^1].End));
    }

    [Fact]
    public async Task DeleteRecordings_EndsAReaderAtItsNextRead_AndLeavesNoFileOrLease()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 60 * 3, Frame);
        await scripted.Engine.ApplyAsync([]); // Remove: the camera no longer records
        var files = await scripted.RecordingsAsync("porch");
        var excerpt = await scripted.Engine.ExcerptAsync(Porch, files[0].Start, files[^1].End);
        Assert.NotNull(excerpt);
        await using var reader = excerpt.TryOpen();
        Assert.NotNull(reader);
        await CopyAsync(reader, Stream.Null, 1000); // inside the first file

        await scripted.Engine.DeleteRecordingsAsync("porch");

        Assert.All(files, r => Assert.False(File.Exists(scripted.Engine.Layout.FullPath(r.Path))));
        var ended = await Assert.ThrowsAsync<Playback.RecordingsDeletedException>(() => reader.CopyToAsync(Stream.Null));
        Assert.Equal("These recordings were deleted while being read, at the owner's request.", ended.Message);
        Assert.Equal(1000, reader.Position); // not a byte more of what the owner deleted
        await reader.DisposeAsync();
        Assert.Equal(0, scripted.Engine.LeasedFiles);
    }

    [Fact]
    public async Task AReaderThatStalls_ForTheLeaseLimit_NoLongerKeepsItsFiles_FromTheQuota()
    {
        await using var scripted = await ScriptedEngine.StartAsync(maxBytes: 20_000_000);
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 60 * 3, Frame);
        await Task.Delay(200); // the last retention round is over
        var oldest = (await scripted.RecordingsAsync("porch")).First(r => !r.Open);
        var excerpt = await scripted.Engine.ExcerptAsync(Porch, oldest.Start, oldest.End);
        Assert.NotNull(excerpt);
        await using var reader = excerpt.TryOpen();
        Assert.NotNull(reader);
        await CopyAsync(reader, Stream.Null, 1000);

        await scripted.FeedAsync(sources, 25 * 60 * 3, 25 * 60 * 5, Frame); // five minutes on, retention passes it by
        await Task.Delay(200);
        Assert.True(File.Exists(scripted.Engine.Layout.FullPath(oldest.Path)), "Deleted while its reader was still reading.");

        await scripted.FeedAsync(sources, 25 * 60 * 8, 25 * 60 * 6, Frame); // the client has taken nothing for eleven minutes
        await WaitForAsync(scripted, () => Task.FromResult(!File.Exists(scripted.Engine.Layout.FullPath(oldest.Path))));

        var ended = await Assert.ThrowsAsync<Playback.RecordingsDeletedException>(() => reader.CopyToAsync(Stream.Null));
        Assert.Equal("These recordings were deleted while being read, to keep within the recordings quota.", ended.Message);
        Assert.True(Storage.FileLeases.StallLimit < TimeSpan.FromMinutes(11));
    }

    private static async Task CopyAsync(Stream from, Stream to, long bytes)
    {
        var buffer = new byte[bytes];
        await from.ReadExactlyAsync(buffer);
        await to.WriteAsync(buffer);
    }

    /// <summary>Moves the clock on a second at a time (a flush and retention round each) until the condition holds.</summary>
    private static async Task WaitForAsync(ScriptedEngine scripted, Func<Task<bool>> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "The condition did not come true.");
            scripted.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
    }
}
