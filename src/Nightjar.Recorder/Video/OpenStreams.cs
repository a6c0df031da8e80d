using Nightjar.Recorder.Accounts;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Every video stream a client holds open (live WebSockets, playback and downloads). A password change ends them
/// all at once: nobody keeps watching on the strength of a session or token the change ended. Lock ends the console
/// streams that needed the unlocked console (its playback; its live view when live video needs a login).
/// </summary>
public sealed class OpenStreams : IDisposable
{
    private readonly object gate = new();
    private readonly HashSet<Lease> open = [];
    private readonly CredentialEpoch epoch;
    private readonly ConsoleLock consoleLock;

    public OpenStreams(CredentialEpoch epoch, ConsoleLock consoleLock)
    {
        this.epoch = epoch;
        this.consoleLock = consoleLock;
        epoch.Changed += CloseAll;
        consoleLock.Locked += CloseUnlockedConsoleStreams;
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

    /// <summary>
    /// A token that is cancelled when the client goes away or the password changes (and, with
    /// <paramref name="endsWithLock"/>, when the console is locked); dispose the lease when the stream ends.
    /// </summary>
    public Lease Open(CancellationToken requestAborted, bool endsWithLock = false)
    {
        var lease = new Lease(this, CancellationTokenSource.CreateLinkedTokenSource(requestAborted), endsWithLock);
        lock (gate)
        {
            open.Add(lease);
        }

        return lease;
    }

    private void CloseUnlockedConsoleStreams() => End(lease => lease.EndsWithLock, byLock: true);

    private void CloseAll(long newEpoch) => End(_ => true, byLock: false);

    private void End(Func<Lease, bool> which, bool byLock)
    {
        lock (gate)
        {
            foreach (var lease in open.Where(which))
            {
                lease.EndedByLock = byLock;
                lease.Source.Cancel();
            }
        }
    }

    private void Close(Lease lease)
    {
        lock (gate)
        {
            open.Remove(lease);
        }

        lease.Source.Dispose();
    }

    public void Dispose()
    {
        epoch.Changed -= CloseAll;
        consoleLock.Locked -= CloseUnlockedConsoleStreams;
    }

    public sealed class Lease : IDisposable
    {
        private readonly OpenStreams streams;

        internal Lease(OpenStreams streams, CancellationTokenSource source, bool endsWithLock)
        {
            this.streams = streams;
            Source = source;
            EndsWithLock = endsWithLock;
        }

        public CancellationToken Token => Source.Token;

        /// <summary>True when Lock ended the stream, false when a password change did (or it has not ended).</summary>
        public bool EndedByLock { get; internal set; }

        internal CancellationTokenSource Source { get; }

        internal bool EndsWithLock { get; }

        public void Dispose() => streams.Close(this);
    }
}
