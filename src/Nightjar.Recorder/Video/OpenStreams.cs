using Nightjar.Recorder.Accounts;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Every video stream a client holds open (live WebSockets, playback and downloads). A password change ends them
/// all at once: nobody keeps watching on the strength of a session or token the change ended.
/// </summary>
public sealed class OpenStreams : IDisposable
{
    private readonly object gate = new();
    private readonly HashSet<CancellationTokenSource> open = [];
    private readonly CredentialEpoch epoch;

    public OpenStreams(CredentialEpoch epoch)
    {
        this.epoch = epoch;
        epoch.Changed += CloseAll;
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return open.Count;
            }
        }
    }

    /// <summary>A token that is cancelled when the client goes away or the password changes; dispose the lease when the stream ends.</summary>
    public Lease Open(CancellationToken requestAborted)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        lock (gate)
        {
            open.Add(source);
        }

        return new Lease(this, source);
    }

    private void CloseAll(long newEpoch)
    {
        lock (gate)
        {
            foreach (var source in open)
            {
                source.Cancel();
            }
        }
    }

    private void Close(CancellationTokenSource source)
    {
        lock (gate)
        {
            open.Remove(source);
        }

        source.Dispose();
    }

    public void Dispose() => epoch.Changed -= CloseAll;

    public sealed class Lease(OpenStreams streams, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose() => streams.Close(source);
    }
}
