namespace Nightjar.Recorder.Pairing;

/// <summary>
/// Wrong-password limits for app sign-ins, after OWASP's "device cookies" defence.
/// <list type="bullet">
/// <item>Every client has its own allowance: at most 2 attempts in flight, and 5 failures in 15 minutes lock that
/// client for 15 minutes. A client is an app holding a device cookie (it signed in here before) or, for an app
/// without one, its address.</item>
/// <item>Clients without a device cookie also share one budget for the account: <see cref="NewClientFailuresPerHour"/>
/// failures, refilled evenly over an hour. Many addresses cannot multiply guesses past it, and an app that signed
/// in before never depends on it, so an attack from everywhere does not lock the owner's phone out.</item>
/// <item>A budget unit is taken when the attempt starts and given back when it turns out right or was not checked
/// (busy), so concurrent attempts cannot overshoot, and a 503 "busy" neither counts nor clears a failure.</item>
/// <item>Memory stays bounded: at most <see cref="MaxClients"/> clients are tracked; past that the least recently
/// seen idle client is forgotten, so new clients are never refused for want of room.</item>
/// </list>
/// Requests with a stale token never come here, so a phone left running with the old password cannot lock its owner out.
/// </summary>
public sealed class ApiLoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public const int MaxInFlight = 2;
    public const int MaxClients = 10_000;
    public const int NewClientFailuresPerHour = 100;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Client> clients = new(StringComparer.Ordinal);
    private double newClientBudget = NewClientFailuresPerHour;
    private DateTimeOffset budgetCountedAt = clock.GetUtcNow();

    public enum Refusal
    {
        None,

        /// <summary>This client's own allowance is used up.</summary>
        ThisClient,

        /// <summary>The account's budget for clients without a device cookie is used up.</summary>
        NewClients,
    }

    public enum Result
    {
        Right,
        Wrong,

        /// <summary>Nothing was checked (every hashing slot busy): neither a failure nor a success.</summary>
        NotChecked,
    }

    public int TrackedClients
    {
        get
        {
            lock (gate)
            {
                return clients.Count;
            }
        }
    }

    /// <summary>Takes an attempt slot for <paramref name="client"/>, or says why not and until when it must wait.</summary>
    /// <param name="client">The client's key: its device cookie's id, or its address.</param>
    /// <param name="hasDeviceCookie">True when the client proved it signed in here before.</param>
    public Refusal TryBegin(string client, bool hasDeviceCookie, out DateTimeOffset retryAt)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            RefillBudget(now);
            if (!clients.TryGetValue(client, out var state))
            {
                if (clients.Count >= MaxClients)
                {
                    ForgetLeastRecentlySeen();
                }

                state = new Client();
                clients[client] = state;
            }

            state.LastSeen = now;
            if (state.LockedUntil > now)
            {
                retryAt = state.LockedUntil;
                return Refusal.ThisClient;
            }

            if (state.InFlight >= MaxInFlight)
            {
                retryAt = now.AddSeconds(1);
                return Refusal.ThisClient;
            }

            if (!hasDeviceCookie)
            {
                if (newClientBudget < 1)
                {
                    retryAt = now + TimeSpan.FromHours((1 - newClientBudget) / NewClientFailuresPerHour);
                    return Refusal.NewClients;
                }

                newClientBudget -= 1;
            }

            state.InFlight++;
            retryAt = now;
            return Refusal.None;
        }
    }

    /// <summary>Ends an attempt that <see cref="TryBegin"/> allowed.</summary>
    public void End(string client, bool hasDeviceCookie, Result result)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (!hasDeviceCookie && result != Result.Wrong)
            {
                newClientBudget = Math.Min(NewClientFailuresPerHour, newClientBudget + 1);
            }

            if (!clients.TryGetValue(client, out var state))
            {
                return;
            }

            state.InFlight = Math.Max(0, state.InFlight - 1);
            switch (result)
            {
                case Result.Right:
                    state.Failures = 0;
                    break;
                case Result.Wrong:
                    if (now - state.WindowStart > Window)
                    {
                        state.WindowStart = now;
                        state.Failures = 0;
                    }

                    if (++state.Failures >= MaxFailures)
                    {
                        state.LockedUntil = now + Window;
                        state.Failures = 0;
                    }

                    break;
            }
        }
    }

    private void RefillBudget(DateTimeOffset now)
    {
        var hours = Math.Max(0, (now - budgetCountedAt).TotalHours);
        newClientBudget = Math.Min(NewClientFailuresPerHour, newClientBudget + hours * NewClientFailuresPerHour);
        budgetCountedAt = now;
    }

    private void ForgetLeastRecentlySeen()
    {
        string? oldest = null;
        var oldestSeen = DateTimeOffset.MaxValue;
        foreach (var (key, state) in clients)
        {
            if (state.InFlight == 0 && state.LastSeen < oldestSeen)
            {
                oldest = key;
                oldestSeen = state.LastSeen;
            }
        }

        if (oldest is not null)
        {
            clients.Remove(oldest);
        }
    }

    private sealed class Client
    {
        public int InFlight { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset WindowStart { get; set; }

        public DateTimeOffset LockedUntil { get; set; }

        public DateTimeOffset LastSeen { get; set; }
    }
}
