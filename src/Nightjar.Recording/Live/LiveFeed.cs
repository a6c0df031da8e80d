using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Live;

/// <summary>
/// The live fan-out of one stream: the very fragments that go to disk, handed to every viewer without a second
/// connection to the camera. It keeps the init segment and the fragments since the last keyframe, so a new viewer
/// starts at once from that keyframe.
/// </summary>
public sealed class LiveFeed
{
    /// <summary>About four seconds of one-frame fragments at 25 fps.</summary>
    public const int ViewerBacklog = 100;

    private readonly object gate = new();
    private readonly List<LiveSubscription> viewers = [];
    private readonly List<(MediaFragment Fragment, long ArrivedUnixMs)> sinceKeyframe = [];
    private InitSegment? init;
    private bool ended;

    public LiveFeed(StreamKey stream) => Stream = stream;

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
            sinceKeyframe.Clear();
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
                sinceKeyframe.Clear();
            }
            else if (sinceKeyframe.Count == 0)
            {
                return; // Nothing to decode it against.
            }

            var first = sinceKeyframe.Count == 0;
            sinceKeyframe.Add((fragment, arrivedUnixMs));
            var packet = new LivePacket(false, fragment.IsKeyframe, fragment.Bytes, fragment.DecodeTime, arrivedUnixMs, null);
            foreach (var viewer in viewers)
            {
                if (first && viewer.NeedsInit)
                {
                    viewer.Offer(InitPacket(init, fragment));
                }

                viewer.Offer(packet);
            }
        }
    }

    /// <summary>The camera disconnected: viewers stay, and get a fresh init segment when it is back.</summary>
    internal void Stop()
    {
        lock (gate)
        {
            init = null;
            sinceKeyframe.Clear();
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
