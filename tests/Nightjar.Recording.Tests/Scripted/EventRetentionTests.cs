using Nightjar.Recording.Events;
using Nightjar.Recording.Motion;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>
/// Events live and die with their recordings: retention deletes an event (and its pictures, counted in the quota)
/// with the recording it began in; Keep spares an event's recordings, within a fifth of the recordings space; an event
/// left open by a crash ends where its recording ended.
/// </summary>
public sealed class EventRetentionTests
{
    private static readonly MotionRegion Somewhere = new(0.1, 0.2, 0.3, 0.4);

    private static async Task<long> EventAsync(ScriptedEngine scripted, TimeSpan length)
    {
        var start = WallClock.ToMicroseconds(scripted.Clock.GetUtcNow());
        await scripted.Engine.RecordMotionAsync("porch", new MotionChange(MotionChangeKind.Started, start, Somewhere));
        await scripted.Engine.RecordMotionAsync("porch", new MotionChange(MotionChangeKind.Ended, start + (long)length.TotalMicroseconds, Somewhere));
        return (await scripted.Engine.Events.ListAsync(new EventFilter(Limit: 1)))[0].Id;
    }

    [Fact]
    public async Task Retention_DeletesAnEventWithItsRecording_AndKeepSparesTheRecordingsOfAKeptOne()
    {
        const long quota = 8_000_000;
        await using var scripted = await ScriptedEngine.StartAsync(maxBytes: quota);
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 30, TimeSpan.FromMilliseconds(40));
        var forgotten = await EventAsync(scripted, TimeSpan.FromSeconds(3));
        await scripted.FeedAsync(sources, 25 * 30, 25 * 40, TimeSpan.FromMilliseconds(40));
        var kept = await EventAsync(scripted, TimeSpan.FromSeconds(3));
        Assert.Equal(KeepOutcome.Done, await scripted.Engine.KeepEventAsync(kept, keep: true));

        // Fifteen more minutes: far past the quota, so retention deletes what came before them, but what is kept.
        await scripted.FeedAsync(sources, 25 * 70, 25 * 60 * 15, TimeSpan.FromMilliseconds(40));
        await scripted.Engine.StopAsync("test over");

        Assert.Null(await scripted.Engine.Events.GetAsync(forgotten));
        var keptEvent = await scripted.Engine.Events.GetAsync(kept);
        Assert.NotNull(keptEvent);
        Assert.True(keptEvent.Kept);
        var recordings = await scripted.RecordingsAsync("porch");
        Assert.Contains(recordings, r => r.Start <= keptEvent.Start - EventIndex.ClipMargin && r.End > keptEvent.Start); // its clip is there
        Assert.DoesNotContain(recordings, r => r.End <= keptEvent.Start - TimeSpan.FromMinutes(1)); // older ones went
        var clip = await scripted.Engine.EventClipAsync(keptEvent);
        Assert.NotNull(clip);
        Assert.True(clip.Start <= keptEvent.Start - EventIndex.ClipMargin + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Keep_IsRefused_WhenKeptEventsWouldTakeMoreThanAFifthOfTheSpace()
    {
        await using var scripted = await ScriptedEngine.StartAsync(maxBytes: 100_000_000);
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 10, TimeSpan.FromMilliseconds(40));
        var small = await EventAsync(scripted, TimeSpan.FromSeconds(2));
        await scripted.FeedAsync(sources, 25 * 10, 25 * 10, TimeSpan.FromMilliseconds(40));

        Assert.Equal(KeepOutcome.Done, await scripted.Engine.KeepEventAsync(small, keep: true));
        Assert.True(await scripted.Engine.Events.KeptBytesAsync() > 0);
        Assert.Equal(KeepOutcome.Done, await scripted.Engine.KeepEventAsync(small, keep: false));
        Assert.Equal(0, await scripted.Engine.Events.KeptBytesAsync());
        Assert.Equal(KeepOutcome.NotFound, await scripted.Engine.KeepEventAsync(999_999, keep: true));

        await scripted.Engine.StopAsync("test over");
        await using var tight = await ScriptedEngine.StartAsync(maxBytes: 1_000_000);
        var tightSources = await tight.ConnectAsync("porch");
        await tight.FeedAsync(tightSources, 0, 25 * 10, TimeSpan.FromMilliseconds(40));
        var big = await EventAsync(tight, TimeSpan.FromSeconds(20));
        await tight.FeedAsync(tightSources, 25 * 10, 25 * 30, TimeSpan.FromMilliseconds(40));
        Assert.Equal(KeepOutcome.OverShare, await tight.Engine.KeepEventAsync(big, keep: true));
        Assert.False((await tight.Engine.Events.GetAsync(big))!.Kept); // nothing changed
        Assert.Equal(0, await tight.Engine.Events.KeptBytesAsync());
    }

    [Fact]
    public async Task AnEventLeftOpenByACrash_EndsWhereItsRecordingEnded_AndSaysSoInTheChangeLog()
    {
        using var folder = new TemporaryFolder();
        long id;
        DateTimeOffset lastEnd;
        await using (var crashed = await ScriptedEngine.StartAsync())
        {
            var sources = await crashed.ConnectAsync("porch");
            await crashed.FeedAsync(sources, 0, 25 * 5, TimeSpan.FromMilliseconds(40));
            await crashed.Engine.RecordMotionAsync("porch",
                new MotionChange(MotionChangeKind.Started, WallClock.ToMicroseconds(crashed.Clock.GetUtcNow()), Somewhere));
            await crashed.FeedAsync(sources, 25 * 5, 25 * 5, TimeSpan.FromMilliseconds(40));
            id = (await crashed.Engine.Events.ListAsync(new EventFilter(Limit: 1)))[0].Id;
            crashed.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(500); // a flush
            lastEnd = (await crashed.RecordingsAsync("porch")).Max(r => r.End);

            // The power goes: nothing ends the event.
            folder.CopyFrom(crashed.Folder.Path);
        }

        await using var started = await ScriptedEngine.StartAsync(folder: folder, clock: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ScriptedEngine.Start.AddHours(1)));
        var ended = await started.Engine.Events.GetAsync(id);

        Assert.NotNull(ended?.End);
        Assert.InRange(ended.End.Value, lastEnd - TimeSpan.FromSeconds(1), lastEnd + TimeSpan.FromSeconds(1));
        var changes = await started.Engine.Events.Changes.AfterAsync(0, 100);
        Assert.Equal(EventChangeKind.Ended, changes.Last(c => c.EventId == id).Kind);
    }
}
