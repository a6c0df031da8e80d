using System.Globalization;
using Microsoft.Extensions.Options;
using Nightjar.Contracts;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Pairing;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Counts the heavy video requests running (snapshots, which decode; recorded video, which is read and sent for as
/// long as its client takes) per client and in all, and refuses one past <see cref="VideoLimits"/> at once with
/// 429, <c>Retry-After</c> and a problem in words, rather than letting one signed-in app start twenty decoders or hold
/// twenty downloads. A client is one app token (a phone app's sign-in, or the web app session that holds one), or the
/// console. Refusing at once, never queueing, keeps a burst from piling up waiting requests instead.
/// </summary>
public sealed class HeavyRequests(IOptionsMonitor<VideoLimits> options, TimeProvider clock, ILogger<HeavyRequests> logger)
{
    private readonly object gate = new();
    private readonly Dictionary<(Work Work, string Client), int> perClient = [];
    private readonly Dictionary<Work, int> inAll = [];

    public enum Work
    {
        /// <summary>A picture decoded by ffmpeg.</summary>
        Snapshot,

        /// <summary>Recorded video sent to a client.</summary>
        Download,
    }

    /// <summary>How many of <paramref name="work"/> run now, in all (for tests and figures).</summary>
    public int Running(Work work)
    {
        lock (gate)
        {
            return inAll.GetValueOrDefault(work);
        }
    }

    /// <summary>
    /// A place for one <paramref name="work"/> of the request's client, or a refusal (<see cref="Slot.Refusal"/>,
    /// answer it and do nothing else). Dispose the slot when the work is done, whether it was refused or not.
    /// </summary>
    public Slot Enter(HttpContext context, Work work)
    {
        var client = ClientOf(context);
        var limits = options.CurrentValue;
        var (total, each) = work == Work.Snapshot
            ? (limits.SnapshotsAtOnce, limits.SnapshotsPerClient)
            : (limits.DownloadsAtOnce, limits.DownloadsPerClient);
        lock (gate)
        {
            var mine = perClient.GetValueOrDefault((work, client));
            var all = inAll.GetValueOrDefault(work);
            if (mine >= each || all >= total)
            {
                var what = work == Work.Snapshot ? "snapshots being made" : "recorded videos being sent";
                var detail = mine >= each
                    ? string.Create(CultureInfo.InvariantCulture, $"This sign-in already has {mine} {what} at once, the most one app may. Try again when one is done.")
                    : string.Create(CultureInfo.InvariantCulture, $"The recorder is busy: it already has {all} {what} at once, the most it allows. Try again in a moment.");
                logger.LogDebug("Refused a {Work} request: {Detail}", work, detail);
                var retryAfter = work == Work.Snapshot ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
                return new Slot(this, work, client, new RetryAfterResult(clock.GetUtcNow() + retryAfter,
                    TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status429TooManyRequests, type: ProblemTypes.Busy, title: "Too many at once")));
            }

            perClient[(work, client)] = mine + 1;
            inAll[work] = all + 1;
            return new Slot(this, work, client, null);
        }
    }

    private static string ClientOf(HttpContext context) =>
        context.User.FindFirst(AppTokenAuthenticationHandler.TokenIdClaim)?.Value is { } tokenId ? "app " + tokenId : "console";

    private void Leave(Work work, string client)
    {
        lock (gate)
        {
            if (--perClient[(work, client)] == 0)
            {
                perClient.Remove((work, client));
            }

            inAll[work]--;
        }
    }

    /// <summary>One admitted request's place (released on dispose), or its refusal.</summary>
    public sealed class Slot : IDisposable
    {
        private readonly HeavyRequests owner;
        private readonly Work work;
        private readonly string client;
        private bool released;

        internal Slot(HeavyRequests owner, Work work, string client, IResult? refusal)
        {
            this.owner = owner;
            this.work = work;
            this.client = client;
            Refusal = refusal;
            released = refusal is not null;
        }

        /// <summary>The 429 to answer with when the request was not admitted; null when it was.</summary>
        public IResult? Refusal { get; }

        public void Dispose()
        {
            if (!released)
            {
                released = true;
                owner.Leave(work, client);
            }
        }
    }
}
