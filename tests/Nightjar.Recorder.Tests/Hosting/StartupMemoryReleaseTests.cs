using Microsoft.Extensions.Time.Testing;
using Nightjar.Recorder.Hosting;
using Xunit;

namespace Nightjar.Recorder.Tests.Hosting;

/// <summary>The start-up leftovers are returned once, after the host has settled, and not at all when it stops first.</summary>
public class StartupMemoryReleaseTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 21, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ReturnsTheMemory_OnceTheStartHasSettled_NotBefore()
    {
        using var release = new StartupMemoryRelease(clock);
        var fullCollections = GC.CollectionCount(GC.MaxGeneration);
        await release.StartAsync(CancellationToken.None);

        clock.Advance(StartupMemoryRelease.SettleTime - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        Assert.False(release.Released.IsCompleted, "returned before the start had settled");

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await release.Released.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > fullCollections, "no full collection ran");
        await release.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AHostStoppedBeforeItSettled_ReturnsNothing()
    {
        using var release = new StartupMemoryRelease(clock);
        await release.StartAsync(CancellationToken.None);
        await release.StopAsync(CancellationToken.None);

        clock.Advance(StartupMemoryRelease.SettleTime * 2);
        await Task.Delay(50);
        Assert.False(release.Released.IsCompleted);
    }
}
