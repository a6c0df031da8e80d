using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Live;

/// <summary>
/// The live fan-out of one stream: the very fragments that go to disk, handed to every viewer without a second
/// connection to the camera. It keeps the init segment and the fragments since the last keyframe, so a new viewer
/// starts at once from that keyframe; up to a bound in bytes and in the camera's time, past which it drops them and
/// new viewers wait for the next keyframe. So a camera that stops sending keyframes can neither grow the recorder's
/// memory nor show a new viewer a picture from minutes ago.
/// </summary>
public sealed class LiveFeed
{
    /// <summary>About four seconds of one-frame fragments at 25 fps.</summary>
    public const int ViewerBacklog = 100;

    /// <summary>The most the fragments since the last keyframe may hold: 8 s of a 16 Mbit/s 4K stream.</summary>
    public const long DefaultMaxHeldBytes = 16L << 20;

    private readonly long maxHeldTicks;
    private readonly long maxHeldBytes;

    private readonly object gate = new();
    private readonly List<LiveSubscription> viewers = [];
    private readonly List<(MediaFragment Fragment, long ArrivedUnixMs)> sinceKeyframe = [];
    private InitSegment? init;
    private long heldBytes;

    // The fragments since the last keyframe went past the bound and were let go: nothing is held until the next
    // keyframe, while viewers already watching go on receiving every fragment.
    private bool dropped;
    private bool ended;

    /// <param name="stream">The stream this feed fans out.</param>
    /// <param name="maxHeld">The most camera time held from the last keyframe (the stream's longest keyframe interval).</param>
    /// <param name="maxHeldBytes">The most bytes held from the last keyframe.</param>
    public LiveFeed(StreamKey stream, TimeSpan maxHeld, long maxHeldBytes = DefaultMaxHeldBytes)
    {
        Stream = stream;
        maxHeldTicks = (long)(maxHeld.TotalSeconds * MediaFragment.Timebase);
        this.maxHeldBytes = maxHeldBytes;
    }

    public StreamKey Stream { get; }

    /// <summary>The current init segment, or null while the camera is not connected.</summary>
    public InitSegment? Init
    {
        get
        {
            lock (gate)
            {
                return init;
            }
        }
    }

    public int ViewerCount
    {
        get
        {
            lock (gate)
            {
                return viewers.Count;
            }
        }
    }

    /// <summary>A new viewer. Its first packets are the init segment and the fragments since the last keyframe, when the camera is connected.</summary>
    public LiveSubscription Subscribe()
    {
        var viewer = new LiveSubscription(this);
        lock (gate)
        {
            if (ended)
            {
                viewer.Complete();
                return viewer;
            }

            if (init is not null && sinceKeyframe.Count > 0)
            {
                viewer.Offer(InitPacket(init, sinceKeyframe[0].Fragment));
                foreach (var (fragment, arrived) in sinceKeyframe)
                {
                    viewer.Offer(new LivePacket(false, fragment.IsKeyframe, fragment.Bytes, fragment.DecodeTime, arrived, null));
                }
            }
            else
            {
                viewer.NeedsInit = true;
                viewer.WaitingForKeyframe = true;
            }

            viewers.Add(viewer);
        }

        return viewer;
    }

    internal void Remove(LiveSubscription viewer)
    {
        lock (gate)
        {
            viewers.Remove(viewer);
        }
    }

    /// <summary>The camera (re)connected: viewers get the new init segment before its first keyframe.</summary>
    internal void Start(InitSegment segment)
    {
        lock (gate)
        {
            init = segment;
            Release();
        }
    }

    /// <summary>The init segment and the last keyframe fragment (for a snapshot), or null while the camera is not connected.</summary>
    public (InitSegment Init, MediaFragment Keyframe)? LatestKeyframe()
    {
        lock (gate)
        {
            return init is not null && sinceKeyframe.Count > 0 ? (init, sinceKeyframe[0].Fragment) : null;
        }
    }

    /// <summary>
    /// The init segment and every fragment since the last keyframe, from which the picture of this moment can be
    /// decoded; null while the camera is not connected.
    /// </summary>
    public (InitSegment Init, IReadOnlyList<MediaFragment> Fragments)? SinceKeyframe()
    {
        lock (gate)
        {
            return init is not null && sinceKeyframe.Count > 0 ? (init, [.. sinceKeyframe.Select(f => f.Fragment)]) : null;
        }
    }

    private static LivePacket InitPacket(InitSegment segment, MediaFragment keyframe) =>
        new(true, false, segment.Bytes, keyframe.DecodeTime, 0, segment.BrowserCodecs);

    internal void Publish(MediaFragment fragment, long arrivedUnixMs)
    {
        lock (gate)
        {
            if (init is null)
            {
                return;
            }

            if (fragment.IsKeyframe)
            {
                Release();
            }
            else if (sinceKeyframe.Count == 0 && !dropped)
            {
                return; // Nothing to decode it against.
            }

            if (!dropped)
            {
                Hold(fragment, arrivedUnixMs);
            }

            var packet = new LivePacket(false, fragment.IsKeyframe, fragment.Bytes, fragment.DecodeTime, arrivedUnixMs, null);
            foreach (var viewer in viewers)
            {
                if (fragment.IsKeyframe && viewer.NeedsInit)
                {
                    viewer.Offer(InitPacket(init, fragment));
                }

                viewer.Offer(packet);
            }
        }
    }

    /// <summary>Called under the lock: keeps a fragment for new viewers, or lets all go when it passes the bound.</summary>
    private void Hold(MediaFragment fragment, long arrivedUnixMs)
    {
        sinceKeyframe.Add((fragment, arrivedUnixMs));
        heldBytes += fragment.Bytes.Length;
        var heldTicks = fragment.DecodeTime + fragment.VideoDuration - sinceKeyframe[0].Fragment.DecodeTime;
        if (heldBytes > maxHeldBytes || heldTicks > maxHeldTicks)
        {
            Release();
            dropped = true;
        }
    }

    /// <summary>Called under the lock: nothing is held, and the next keyframe starts holding again.</summary>
    private void Release()
    {
        sinceKeyframe.Clear();
        heldBytes = 0;
        dropped = false;
    }

    /// <summary>The camera disconnected: viewers stay, and get a fresh init segment when it is back.</summary>
    internal void Stop()
    {
        lock (gate)
        {
            init = null;
            Release();
            foreach (var viewer in viewers)
            {
                viewer.NeedsInit = true;
                viewer.WaitingForKeyframe = true;
            }
        }
    }

    /// <summary>The stream is gone (camera removed, engine stopping): every viewer's packets complete.</summary>
    internal void End()
    {
        lock (gate)
        {
            ended = true;
            foreach (var viewer in viewers)
            {
                viewer.Complete();
            }

            viewers.Clear();
        }
    }
}
