namespace Nightjar.Recording.Playback;

/// <summary>
/// The excerpts planned lately, so that the Range requests of one download (a browser's video element, a resumed
/// download) share one plan: each request gets the same length and bytes, and the index is read once, not once per
/// request. Plans are kept <see cref="Lifetime"/> after they were made and at most <see cref="Capacity"/> of them (the
/// oldest goes first); two requests for the same excerpt at once wait for one plan. "Nothing recorded" is never kept,
/// so an excerpt at the live edge is planned again once there is something; nor is a plan a file of which was found
/// deleted (<see cref="RecordingExcerpt.FilesDeleted"/>), so the next request gets what is left.
/// </summary>
internal sealed class ExcerptPlans(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public const int Capacity = 32;

    private readonly object gate = new();
    private readonly Dictionary<(StreamKey Stream, DateTimeOffset From, DateTimeOffset To), (Task<RecordingExcerpt?> Plan, long MadeAt, long Id)> plans = [];
    private long builds;

    /// <summary>How many plans were made (not found here), for tests and figures.</summary>
    public long Builds
    {
        get
        {
            lock (gate)
            {
                return builds;
            }
        }
    }

    public Task<RecordingExcerpt?> GetAsync(StreamKey stream, DateTimeOffset from, DateTimeOffset to, Func<Task<RecordingExcerpt?>> plan)
    {
        var key = (stream, from, to);
        var now = clock.GetTimestamp();
        Task<RecordingExcerpt?> made;
        lock (gate)
        {
            foreach (var stale in plans.Where(p => clock.GetElapsedTime(p.Value.MadeAt, now) > Lifetime).Select(p => p.Key).ToList())
            {
                plans.Remove(stale);
            }

            // A finished plan's result is read without waiting: GetResult on a completed task does not block.
            if (plans.TryGetValue(key, out var kept) && !(kept.Plan.IsCompletedSuccessfully && kept.Plan.GetAwaiter().GetResult() is { FilesDeleted: true }))
            {
                return kept.Plan;
            }

            if (plans.Count >= Capacity)
            {
                plans.Remove(plans.MinBy(p => p.Value.MadeAt).Key);
            }

            made = PlanAsync(key, ++builds, plan);
            plans[key] = (made, now, builds);
        }

        return made;
    }

    // Runs after the caller has let go of the lock (it yields first): planning reads the index and files. Whoever
    // forgets the plan takes the lock, so the plan is always in the table before it can be forgotten.
    private async Task<RecordingExcerpt?> PlanAsync((StreamKey, DateTimeOffset, DateTimeOffset) key, long id, Func<Task<RecordingExcerpt?>> plan)
    {
        await Task.Yield();
        RecordingExcerpt? excerpt = null;
        try
        {
            excerpt = await plan();
            return excerpt;
        }
        finally
        {
            if (excerpt is null)
            {
                lock (gate)
                {
                    if (plans.TryGetValue(key, out var kept) && kept.Id == id)
                    {
                        plans.Remove(key);
                    }
                }
            }
        }
    }
}
