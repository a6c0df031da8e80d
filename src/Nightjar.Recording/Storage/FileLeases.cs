namespace Nightjar.Recording.Storage;

/// <summary>
/// The recording files being read (played, downloaded, exported), so that deleting one either waits for its readers
/// or tells them why it went. A reader leases every file of its excerpt before it opens the first (the risk on Linux
/// is between plan and open: a handle already open survives the unlink). Retention keeping the quota passes leased
/// files by and deletes them once their last reader is done; what must go anyway (the disk's free-space floor, the
/// owner's Delete Recordings) goes, and each reader of it ends at its next read with the reason. A reader that made
/// no progress for <see cref="StallLimit"/> keeps nothing from the quota, so a stalled client cannot pin the disk.
/// </summary>
internal sealed class FileLeases(TimeProvider clock)
{
    /// <summary>A lease whose reader took nothing for this long no longer spares its files from the quota.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(10);

    // Guards both collections and every lease's gone list: a claim and a take never interleave, so a file is either
    // leased before it is claimed (and spared or its readers told) or claimed before it is leased (and refused).
    private readonly object gate = new();
    private readonly Dictionary<string, List<Lease>> held = new(StringComparer.Ordinal);
    private readonly HashSet<string> deleting = new(StringComparer.Ordinal);

    /// <summary>How many files are leased now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return held.Count;
            }
        }
    }

    /// <summary>
    /// Leases <paramref name="paths"/> (relative to the recordings folder) for one reader; null when any of them is
    /// being deleted or is already gone (<paramref name="exists"/> is asked once the lease is held, so a deletion cannot
    /// slip in between).
    /// </summary>
    public Lease? TryTake(IReadOnlyList<string> paths, Func<string, bool> exists)
    {
        Lease lease;
        lock (gate)
        {
            if (paths.Any(deleting.Contains))
            {
                return null;
            }

            lease = new Lease(this, paths, clock);
            foreach (var path in paths)
            {
                if (!held.TryGetValue(path, out var readers))
                {
                    held[path] = readers = [];
                }

                readers.Add(lease);
            }
        }

        if (!paths.All(exists))
        {
            lease.Dispose();
            return null;
        }

        return lease;
    }

    /// <summary>
    /// Claims <paramref name="path"/> for deletion; false (and nothing changes) while a reader that made progress within
    /// <see cref="StallLimit"/> holds it, unless <paramref name="evenIfRead"/>. Its readers are told
    /// <paramref name="why"/> ("to keep …", "at the owner's request"). Call <see cref="Deleted"/> once it is unlinked
    /// and its row is gone (or the deletion failed).
    /// </summary>
    public bool TryClaim(string path, string why, bool evenIfRead)
    {
        lock (gate)
        {
            if (held.TryGetValue(path, out var readers))
            {
                if (!evenIfRead && readers.Any(r => !r.Stalled))
                {
                    return false;
                }

                foreach (var reader in readers)
                {
                    reader.Gone[path] = why;
                }
            }

            deleting.Add(path);
            return true;
        }
    }

    public void Deleted(string path)
    {
        lock (gate)
        {
            deleting.Remove(path);
        }
    }

    private void Release(Lease lease)
    {
        lock (gate)
        {
            foreach (var path in lease.Paths)
            {
                if (held.TryGetValue(path, out var readers) && readers.Remove(lease) && readers.Count == 0)
                {
                    held.Remove(path);
                }
            }
        }
    }

    private string? GoneWhy(Lease lease, string path)
    {
        lock (gate)
        {
            return lease.Gone.GetValueOrDefault(path);
        }
    }

    /// <summary>One reader's hold on the files of its excerpt, until it is disposed.</summary>
    internal sealed class Lease(FileLeases owner, IReadOnlyList<string> paths, TimeProvider clock) : IDisposable
    {
        private long progressAt = clock.GetTimestamp();
        private int released;

        public IReadOnlyList<string> Paths => paths;

        /// <summary>The files of this lease deleted all the same, and why (guarded by the owner's lock).</summary>
        public Dictionary<string, string> Gone { get; } = new(StringComparer.Ordinal);

        public bool Stalled => clock.GetElapsedTime(Interlocked.Read(ref progressAt)) > StallLimit;

        /// <summary>The reader moved on: its files are spared for another <see cref="StallLimit"/>.</summary>
        public void Progressed() => Interlocked.Exchange(ref progressAt, clock.GetTimestamp());

        /// <summary>Why <paramref name="path"/> was deleted while leased ("to keep …", "at the owner's request"); null while it is there.</summary>
        public string? GoneWhy(string path) => owner.GoneWhy(this, path);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                owner.Release(this);
            }
        }
    }
}
