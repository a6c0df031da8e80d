using Nightjar.Recording.Live;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>The live fan-out: the same fragments as the files, each viewer starting at a keyframe, a slow viewer skipping ahead.</summary>
public sealed class LiveFeedTests
{
    private static LiveFeed Feed(int frames)
    {
        var feed = new LiveFeed(new StreamKey("porch", StreamKind.Main));
        feed.Start(SampleStream.Init);
        for (var i = 0; i < frames; i++)
        {
            feed.Publish(SampleStream.Frame(i), 0);
        }

        return feed;
    }

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
}
