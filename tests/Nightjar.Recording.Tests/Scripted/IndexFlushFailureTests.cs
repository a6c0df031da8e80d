using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>The index flush loop outlives whatever goes wrong in it, and a failure that lasts is told to the owner.</summary>
public sealed class IndexFlushFailureTests
{
    [Fact]
    public async Task AnUnexpectedFlushFailure_IsLoggedAndReported_AndIndexCommitsResume()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var porch = new Porch(scripted, await scripted.ConnectAsync("porch"));
        await porch.UntilAsync(async () => await porch.IndexedBytesAsync() > 0, "the first commit");

        var faults = 0;
        scripted.Engine.BeforeFlush = () =>
        {
            Interlocked.Increment(ref faults);
            throw new InvalidOperationException("an unforeseen fault");
        };
        await porch.UntilAsync(() => Task.FromResult(scripted.Engine.IndexProblem is not null), "the problem to be reported");
        var indexedDuringFault = await porch.IndexedBytesAsync();

        Assert.True(Volatile.Read(ref faults) >= 2, "The loop stopped after the first fault.");
        Assert.Contains(scripted.Log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("an unforeseen fault", StringComparison.Ordinal));
        Assert.Contains("the recordings index cannot be written (an unforeseen fault)", scripted.Engine.IndexProblem, StringComparison.Ordinal);

        scripted.Engine.BeforeFlush = null;
        await porch.UntilAsync(async () => await porch.IndexedBytesAsync() > indexedDuringFault, "commits to resume");
        await porch.UntilAsync(() => Task.FromResult(scripted.Engine.IndexProblem is null), "the problem to clear");
    }

    /// <summary>The one scripted camera, fed a second of frames at a time.</summary>
    private sealed class Porch(ScriptedEngine scripted, ScriptedSource[] sources)
    {
        private long nextFrame;

        public async Task<long> IndexedBytesAsync() => (await scripted.RecordingsAsync("porch")).Sum(r => r.Bytes);

        /// <summary>Feeds a second of frames (so a flush round comes due) until <paramref name="condition"/> holds.</summary>
        public async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!await condition())
            {
                Assert.True(waited.Elapsed < (within ?? TimeSpan.FromSeconds(20)), $"Timed out waiting for {what}.");
                await scripted.FeedAsync(sources, nextFrame, 25, TimeSpan.FromMilliseconds(40));
                nextFrame += 25;
                await Task.Delay(50);
            }
        }
    }
}
