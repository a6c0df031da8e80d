using System.Threading.Channels;

namespace Nightjar.Recording.Live;

/// <summary>
/// One live viewer of a stream. It reads <see cref="Packets"/>: an init segment, then fragments from a keyframe on.
/// A viewer that falls behind by <see cref="LiveFeed.ViewerBacklog"/> fragments loses what it missed and goes on
/// from the next keyframe, so one slow phone never holds memory or the recorder back.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly LiveFeed feed;
    private readonly Channel<LivePacket> channel = Channel.CreateBounded<LivePacket>(
        new BoundedChannelOptions(LiveFeed.ViewerBacklog) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    internal LiveSubscription(LiveFeed feed) => this.feed = feed;

    public ChannelReader<LivePacket> Packets => channel.Reader;

    /// <summary>Fragments this viewer lost by falling behind.</summary>
    public long Skipped { get; private set; }

    internal bool WaitingForKeyframe { get; set; }

    /// <summary>The viewer has no init segment for what comes next (it joined before the camera connected, or the camera reconnected).</summary>
    internal bool NeedsInit { get; set; }

    /// <summary>Called under the feed's lock. False when the viewer is full and must wait for the next keyframe.</summary>
    internal bool Offer(LivePacket packet)
    {
        if (WaitingForKeyframe && !packet.IsInit && !packet.IsKeyframe)
        {
            Skipped++;
            return false;
        }

        if (channel.Writer.TryWrite(packet))
        {
            if (packet.IsInit)
            {
                NeedsInit = false;
            }
            else
            {
                WaitingForKeyframe = false;
            }

            return true;
        }

        Skipped++;
        WaitingForKeyframe = true;
        return false;
    }

    internal void Complete() => channel.Writer.TryComplete();

    public void Dispose()
    {
        feed.Remove(this);
        Complete();
    }
}
