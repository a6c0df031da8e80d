using System.Runtime.InteropServices;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Keeps the recorder's resident memory small on a box with little of it (docs/PERFORMANCE.md, "Idle memory"): the
/// managed heap and the C library's heap each keep what a burst of work left behind until something makes them let go.
/// The native calls are glibc's, which Debian has; elsewhere they are skipped.
/// </summary>
public static partial class ProcessMemory
{
    /// <summary>glibc's M_ARENA_MAX.</summary>
    private const int ArenaMaxParameter = -8;

    /// <summary>
    /// Two malloc arenas instead of glibc's eight per core. The recorder's own work allocates in the managed heap; what
    /// uses malloc (SQLite, OpenSSL, the runtime itself) gains nothing from more arenas on two cores, and each arena
    /// keeps its own free memory. Called first thing, before threads start using the C heap.
    /// </summary>
    public static void LimitNativeArenas() => CallGlibc(() => mallopt(ArenaMaxParameter, 2));

    /// <summary>
    /// Hands back what the process no longer uses: one full, compacting collection that also returns the managed
    /// heap's free memory to the system, then the C heap's free pages. For the moments after a burst of one-off work
    /// (a host starting, a host gone): it blocks the process for a few milliseconds.
    /// </summary>
    public static void ReturnUnused()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        CallGlibc(() => malloc_trim(0));
    }

    private static void CallGlibc(Func<int> call)
    {
        try
        {
            _ = call();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator has its own policy, and nothing here is needed for correctness.
        }
    }

    [LibraryImport("libc")]
    private static partial int mallopt(int parameter, int value);

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
