using Nightjar.Recording.Live;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>
/// The live fan-out: the same fragments as the files, each viewer starting at a keyframe, a slow viewer skipping ahead,
/// and what it holds for new viewers bounded when keyframes stop coming.
/// </summary>
public sealed class LiveFeedTests
{
    private static readonly StreamKey Porch = new("porch", StreamKind.Main);

    private static LiveFeed Feed(int frames)
    {
        var feed = new LiveFeed(Porch, TimeSpan.FromSeconds(10));
        feed.Start(SampleStream.Init);
        for (var i = 0; i < frames; i++)
        {
            feed.Publish(SampleStream.Frame(i), 0);
        }

        return feed;
    }

    /// <summary>The camera time and the bytes the feed holds for a new viewer.</summary>
    private static (long Ticks, long Bytes) Held(LiveFeed feed) =>
        feed.SinceKeyframe() is { } held
            ? (held.Fragments[^1].DecodeTime + held.Fragments[^1].VideoDuration - held.Fragments[0].DecodeTime, held.Fragments.Sum(f => (long)f.Bytes.Length))
            : (0, 0);

    private static List<LivePacket> Drain(LiveSubscription viewer)
    {
        var packets = new List<LivePacket>();
        while (viewer.Packets.TryRead(out var packet))
        {
            packets.Add(packet);
        }

        return packets;
    }

    [Fact]
    public void AViewerJoiningMidStream_GetsTheInitSegment_ThenTheFragmentsFromTheLastKeyframe()
    {
        var feed = Feed(60); // keyframes at frames 0, 25 and 50
        using var viewer = feed.Subscribe();

        var packets = Drain(viewer);
        Assert.True(packets[0].IsInit);
        Assert.Equal(SampleStream.Init.Bytes, packets[0].Bytes);
        Assert.True(packets[1].IsKeyframe);
        Assert.Equal(SampleStream.Frame(50).Bytes, packets[1].Bytes);
        Assert.Equal(11, packets.Count);

        feed.Publish(SampleStream.Frame(60), 0);
        Assert.Equal(SampleStream.Frame(60).Bytes, Assert.Single(Drain(viewer)).Bytes);
    }

    [Fact]
    public void AViewerThatFallsBehind_LosesWhatItMissed_AndGoesOnFromTheNextKeyframe()
    {
        var feed = Feed(1);
        using var slow = feed.Subscribe();
        for (var i = 1; i < 200; i++)
        {
            feed.Publish(SampleStream.Frame(i), 0);
        }

        var packets = Drain(slow);
        Assert.Equal(LiveFeed.ViewerBacklog, packets.Count);
        Assert.True(slow.Skipped > 0);

        feed.Publish(SampleStream.Frame(200), 0); // frame 200 is a keyframe
        var resumed = Drain(slow);
        Assert.True(resumed[0].IsKeyframe);
        Assert.Equal(SampleStream.Frame(200).Bytes, resumed[0].Bytes);
    }

    [Fact]
    public void WhenTheCameraReconnects_ViewersGetTheNewInitSegmentBeforeItsFirstKeyframe()
    {
        var feed = Feed(10);
        using var viewer = feed.Subscribe();
        Drain(viewer);

        feed.Stop();
        feed.Publish(SampleStream.Frame(10), 0); // nothing while disconnected
        feed.Start(SampleStream.Init);
        feed.Publish(SampleStream.Frame(26), 0); // not a keyframe: nothing to decode it against
        feed.Publish(SampleStream.Frame(50), 0);

        var packets = Drain(viewer);
        Assert.Equal(2, packets.Count);
        Assert.True(packets[0].IsInit);
        Assert.True(packets[1].IsKeyframe);
    }

    [Fact]
    public void ACameraThatStopsSendingKeyframes_IsHeldForAtMostTheLimit_ThenNewViewersWaitForTheNextKeyframe_WhileWatchersGoOn()
    {
        var limit = TimeSpan.FromSeconds(2);
        var feed = new LiveFeed(Porch, limit);
        feed.Start(SampleStream.Init);
        using var watcher = feed.Subscribe();
        var watched = new List<LivePacket>();
        var sent = 0;

        // One keyframe (frame 0), then four seconds without one (the sample's other keyframes are left out).
        for (var n = 0; n < 100; n++)
        {
            var frame = SampleStream.Frame(n);
            if (n > 0 && frame.IsKeyframe)
            {
                continue;
            }

            feed.Publish(frame, 0);
            sent++;
            watched.AddRange(Drain(watcher));
            Assert.InRange(Held(feed).Ticks, 0, (long)(limit.TotalSeconds * Mp4.MediaFragment.Timebase));
        }

        Assert.Null(feed.SinceKeyframe());
        Assert.Null(feed.LatestKeyframe());
        Assert.Equal(sent + 1, watched.Count); // the init segment and every fragment: a viewer already watching loses nothing
        using var newcomer = feed.Subscribe();
        Assert.Empty(Drain(newcomer)); // not a picture from seconds ago that nothing follows

        feed.Publish(SampleStream.Frame(100), 0); // a keyframe
        var packets = Drain(newcomer);
        Assert.Equal(2, packets.Count);
        Assert.True(packets[0].IsInit);
        Assert.True(packets[1].IsKeyframe);
        Assert.NotNull(feed.LatestKeyframe());
    }

    [Fact]
    public void WhatTheFeedHoldsForNewViewers_NeverPassesItsBytes_WhateverTheTimeLimit()
    {
        var bound = Enumerable.Range(0, 10).Sum(n => (long)SampleStream.Frame(n).Bytes.Length);
        var feed = new LiveFeed(Porch, TimeSpan.FromMinutes(5), bound);
        feed.Start(SampleStream.Init);

        var most = 0L;
        for (var n = 0; n < 25 * 20; n++)
        {
            var frame = SampleStream.Frame(n);
            if (n > 0 && frame.IsKeyframe)
            {
                continue;
            }

            feed.Publish(frame, 0);
            most = Math.Max(most, Held(feed).Bytes);
        }

        Assert.InRange(most, bound / 2, bound);
        Assert.Null(feed.SinceKeyframe());
    }
}
