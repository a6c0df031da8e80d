using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Console;
using Nightjar.Recorder.Pairing;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Every video stream a client holds open (live WebSockets, playback and downloads). A password change ends them
/// all at once: nobody keeps watching on the strength of a session or token the change ended. Lock ends the console
/// streams that needed the unlocked console (its playback; its live view when live video needs a login); revoking an
/// app token (Settings → Mobile App's Revoke, an app's sign-out, the web app's Log Out) ends the streams it opened;
/// turning <c>Nightjar:Console:LiveViewWhileLocked</c> off (a configuration reload) ends the locked screen's live video.
/// </summary>
public sealed class OpenStreams : IDisposable
{
    private readonly object gate = new();
    private readonly HashSet<Lease> open = [];
    private readonly CredentialEpoch epoch;
    private readonly ConsoleLock consoleLock;
    private readonly AppTokens tokens;
    private readonly IOptionsMonitor<ConsoleOptions> consoleOptions;
    private readonly IDisposable? consoleOptionsChanges;

    public OpenStreams(CredentialEpoch epoch, ConsoleLock consoleLock, AppTokens tokens, IOptionsMonitor<ConsoleOptions> consoleOptions)
    {
        this.epoch = epoch;
        this.consoleLock = consoleLock;
        this.tokens = tokens;
        this.consoleOptions = consoleOptions;
        epoch.Changed += CloseAll;
        consoleLock.Locked += CloseUnlockedConsoleStreams;
        tokens.Revoked += CloseRevoked;
        consoleOptionsChanges = consoleOptions.OnChange(CloseLockedViewWhenTurnedOff);
    }

    /// <summary>Why an open stream was ended while its client was still there.</summary>
    public enum Ending
    {
        None,
        PasswordChanged,
        Locked,
        Revoked,
        LiveViewTurnedOff,
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
    /// A token that is cancelled when the client goes away or the password changes, when the app token it came with is
    /// revoked (the request's), and, with <paramref name="endsWithLock"/>, when the console is locked; dispose the lease
    /// when the stream ends.
    /// </summary>
    public Lease Open(HttpContext context, bool endsWithLock = false)
    {
        var tokenId = context.User.FindFirst(AppTokenAuthenticationHandler.TokenIdClaim)?.Value is { } id
            ? long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)
            : (long?)null;
        return Add(new Lease(this, CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted), () => endsWithLock, static () => false, tokenId));
    }

    /// <summary>
    /// A live stream on the console listener. It ends with Lock unless it is the box's own screen
    /// (<paramref name="kiosk"/>) and live video may be watched while locked; and when that setting is turned off, it
    /// ends unless its console is unlocked. Both are decided when the event comes, with the setting of that moment.
    /// </summary>
    public Lease OpenConsoleLive(HttpContext context, bool kiosk)
    {
        var user = context.User;
        return Add(new Lease(
            this,
            CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted),
            endsWithLock: () => !(kiosk && consoleOptions.CurrentValue.LiveViewWhileLocked),
            endsWithLockedViewOff: () => !ConsoleSession.IsCurrent(user, epoch, consoleLock),
            tokenId: null));
    }

    private Lease Add(Lease lease)
    {
        lock (gate)
        {
            open.Add(lease);
        }

        return lease;
    }

    private void CloseUnlockedConsoleStreams() => End(lease => lease.EndsWithLock(), Ending.Locked);

    /// <summary>Any change of the configuration calls this; only the setting turned (or left) off ends anything.</summary>
    private void CloseLockedViewWhenTurnedOff(ConsoleOptions options, string? name)
    {
        if (!options.LiveViewWhileLocked)
        {
            End(lease => lease.EndsWithLockedViewOff(), Ending.LiveViewTurnedOff);
        }
    }

    private void CloseAll(long newEpoch) => End(_ => true, Ending.PasswordChanged);

    private void CloseRevoked(long tokenId) => End(lease => lease.TokenId == tokenId, Ending.Revoked);

    private void End(Func<Lease, bool> which, Ending why)
    {
        lock (gate)
        {
            foreach (var lease in open.Where(which))
            {
                lease.EndedBy = why;
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
        tokens.Revoked -= CloseRevoked;
        consoleOptionsChanges?.Dispose();
    }

    public sealed class Lease : IDisposable
    {
        private readonly OpenStreams streams;

        internal Lease(OpenStreams streams, CancellationTokenSource source, Func<bool> endsWithLock, Func<bool> endsWithLockedViewOff, long? tokenId)
        {
            this.streams = streams;
            Source = source;
            EndsWithLock = endsWithLock;
            EndsWithLockedViewOff = endsWithLockedViewOff;
            TokenId = tokenId;
        }

        public CancellationToken Token => Source.Token;

        /// <summary>What ended the stream while its client was there (a password change, Lock, revocation, the locked view turned off), if anything did.</summary>
        public Ending EndedBy { get; internal set; }

        internal CancellationTokenSource Source { get; }

        internal Func<bool> EndsWithLock { get; }

        internal Func<bool> EndsWithLockedViewOff { get; }

        internal long? TokenId { get; }

        public void Dispose() => streams.Close(this);
    }
}
