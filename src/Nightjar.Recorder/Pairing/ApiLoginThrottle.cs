using System.Collections.Concurrent;

namespace Nightjar.Recorder.Pairing;

/// <summary>
/// Wrong-password limits for the API, per client address: at most 2 attempts in flight, and 5 failures in
/// 15 minutes lock that client out for 15 minutes. Memory stays bounded: at most <see cref="MaxClients"/>
/// addresses are tracked, expired entries are dropped first. Requests with a stale token never come here, so a
/// phone left running with the old password cannot lock its owner out.
/// </summary>
public sealed class ApiLoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public const int MaxInFlight = 2;
    public const int MaxClients = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Client> clients = new(StringComparer.Ordinal);

    /// <summary>Takes an attempt slot, or says until when the client must wait.</summary>
    public bool TryBegin(string client, out DateTimeOffset retryAt)
    {
        var now = clock.GetUtcNow();
        if (clients.Count >= MaxClients)
        {
            Prune(now);
            if (clients.Count >= MaxClients && !clients.ContainsKey(client))
            {
                retryAt = now.AddSeconds(1);
                return false; // Too many clients at once: new ones wait rather than grow memory.
            }
        }

        var state = clients.GetOrAdd(client, _ => new Client());
        lock (state)
        {
            if (state.LockedUntil > now)
            {
                retryAt = state.LockedUntil;
                return false;
            }

            if (state.InFlight >= MaxInFlight)
            {
                retryAt = now.AddSeconds(1);
                return false;
            }

            state.InFlight++;
            retryAt = now;
            return true;
        }
    }

    /// <summary>Ends an attempt taken with <see cref="TryBegin"/>.</summary>
    public void End(string client, bool failed)
    {
        if (!clients.TryGetValue(client, out var state))
        {
            return;
        }

        var now = clock.GetUtcNow();
        lock (state)
        {
            state.InFlight = Math.Max(0, state.InFlight - 1);
            if (!failed)
            {
                state.Failures = 0;
                return;
            }

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
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, state) in clients)
        {
            lock (state)
            {
                if (state.InFlight == 0 && state.LockedUntil <= now && now - state.WindowStart > Window)
                {
                    clients.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Client
    {
        public int InFlight { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset WindowStart { get; set; }

        public DateTimeOffset LockedUntil { get; set; }
    }
}
