namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Once a host has started and its first pages have been served, returns the start-up's leftovers to the system
/// (<see cref="ProcessMemory.ReturnUnused"/>). Start-up allocates several megabytes of configuration, service and
/// endpoint building that is garbage a moment later; an idle recorder allocates so little that no collection would run
/// for a long time, and the heap would hold on to all of it (docs/PERFORMANCE.md, "Idle memory").
/// </summary>
public sealed class StartupMemoryRelease(TimeProvider clock) : IHostedService, IDisposable
{
    /// <summary>Long enough for the console's first page and the kiosk browser's circuit after a start or a reboot.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? timer;

    /// <summary>Completes when the memory has been returned.</summary>
    public Task Released => released.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        timer = clock.CreateTimer(_ => Release(), null, SettleTime, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => timer?.Dispose();

    private void Release()
    {
        ProcessMemory.ReturnUnused();
        released.TrySetResult();
    }
}
