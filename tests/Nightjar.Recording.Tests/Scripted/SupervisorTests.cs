using Nightjar.Recording.Ingest;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>How a stream is kept recording: stalls, retries and their back-off, a camera's return, audio MP4 cannot hold.</summary>
public sealed class SupervisorTests
{
    private static readonly StreamKey Porch = new("porch", StreamKind.Main);

    /// <summary>Moves the fake clock on in small steps, with a moment of real time after each for the engine to act.</summary>
    private static async Task AdvanceAsync(ScriptedEngine scripted, TimeSpan total, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
        {
            scripted.Clock.Advance(step < total - moved ? step : total - moved);
            await Task.Delay(5);
        }
    }

    /// <summary>Ends a connection attempt and waits until the engine is in its wait before the next one.</summary>
    private static async Task FailAsync(ScriptedSource source, StreamProblem problem)
    {
        source.End(problem);
        await source.Disposed.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(20); // from letting go of the connection to starting the wait, the engine runs without awaiting
    }

    /// <summary>The next attempt must not come before <paramref name="wait"/> has passed on the fake clock, and must come right after.</summary>
    private static async Task<ScriptedSource> NextAttemptAfterAsync(ScriptedEngine scripted, TimeSpan wait, TimeSpan step)
    {
        var next = scripted.Cameras.NextAttemptAsync(ScriptedEngine.Url("porch"), TimeSpan.FromMinutes(1));
        await AdvanceAsync(scripted, wait - TimeSpan.FromMilliseconds(20), step);
        await Task.Delay(30);
        Assert.False(next.IsCompleted, $"The engine connected again before {wait.TotalSeconds} s.");
        scripted.Clock.Advance(TimeSpan.FromMilliseconds(40));
        return await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AStreamThatStopsSendingFrames_IsStalledAfterFourSeconds_AndReconnectedHalfASecondLater()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 50, TimeSpan.FromMilliseconds(40));
        var lastFrame = scripted.Clock.GetUtcNow();
        Assert.Equal(StreamState.Recording, scripted.Engine.Status(Porch)!.State);

        var next = scripted.Cameras.NextAttemptAsync(ScriptedEngine.Url("porch"), TimeSpan.FromMinutes(1));
        await AdvanceAsync(scripted, TimeSpan.FromSeconds(3.9), TimeSpan.FromMilliseconds(100));
        Assert.False(sources[0].Aborted, "Stalled before four seconds without a frame.");
        await AdvanceAsync(scripted, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50));
        var again = await next.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(sources[0].Aborted);
        Assert.Equal("camera stopped sending video", scripted.Engine.Status(Porch)!.Problem);
        var reconnectedAfter = scripted.Cameras.Opened[^1].At - lastFrame;
        Assert.InRange(reconnectedAfter, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(4.85));
        Assert.False(again.Aborted);
    }

    [Fact]
    public async Task AStreamThatKeepsFailing_IsRetriedForEver_BackingOffFromHalfASecondTo30Seconds()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        await scripted.Engine.ApplyAsync([ScriptedEngine.Camera("porch")]);
        var source = await scripted.Cameras.NextAttemptAsync(ScriptedEngine.Url("porch"));
        double[] expected = [0.5, 1, 2, 4, 8, 16, 30, 30, 30];
        foreach (var wait in expected)
        {
            await FailAsync(source, StreamProblem.StreamNotFound);
            source = await NextAttemptAfterAsync(scripted, TimeSpan.FromSeconds(wait), TimeSpan.FromSeconds(wait));
        }

        Assert.Equal(expected.Length + 1, scripted.Cameras.Opened.Count);

        Assert.Equal("Offline: stream not found", scripted.Engine.Status(Porch)!.Text);
    }

    [Fact]
    public async Task AnUnreachableCamera_IsNoticedWithinASecondOfItsReturn_EvenDeepIntoTheBackOff()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        scripted.Cameras.Reachable = false;
        await scripted.Engine.ApplyAsync([ScriptedEngine.Camera("porch")]);
        var source = await scripted.Cameras.NextAttemptAsync(ScriptedEngine.Url("porch"));
        foreach (var wait in new[] { 0.5, 1, 2, 4, 8, 16, 30 })
        {
            await FailAsync(source, StreamProblem.Unreachable);
            source = await NextAttemptAfterAsync(scripted, TimeSpan.FromSeconds(wait), TimeSpan.FromMilliseconds(250));
        }

        // The back-off is at 30 s now. The camera comes back 3 s into it.
        await FailAsync(source, StreamProblem.Unreachable);
        await AdvanceAsync(scripted, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(250));
        scripted.Cameras.Reachable = true;
        var back = scripted.Clock.GetUtcNow();
        var next = scripted.Cameras.NextAttemptAsync(ScriptedEngine.Url("porch"), TimeSpan.FromMinutes(1));
        await AdvanceAsync(scripted, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
        await next.WaitAsync(TimeSpan.FromSeconds(5));

        var returned = await next;
        Assert.InRange(scripted.Cameras.Opened[^1].At - back, TimeSpan.Zero, TimeSpan.FromSeconds(0.6));

        // Just booted, it refuses once more: the next try comes half a second later, not after the back-off.
        await FailAsync(returned, StreamProblem.NotResponding);
        await NextAttemptAfterAsync(scripted, TimeSpan.FromSeconds(0.5), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task AudioThatMp4CannotHold_IsDropped_AtOnce_AndTheVideoIsRecorded()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        await scripted.Engine.ApplyAsync([ScriptedEngine.Camera("porch")]);
        var first = await scripted.Cameras.NextAttemptAsync(ScriptedEngine.Url("porch"));
        Assert.True(first.WithAudio);
        first.End(StreamProblem.AudioNotStorable("G.711 A-law"));

        var second = await scripted.Cameras.NextAttemptAsync(ScriptedEngine.Url("porch"));
        Assert.False(second.WithAudio);
        Assert.Equal(scripted.Cameras.Opened[0].At, scripted.Cameras.Opened[1].At);
        second.Connect(SampleStream.Init);
        await scripted.FeedAsync([second], 0, 50, TimeSpan.FromMilliseconds(40));

        var status = scripted.Engine.Status(Porch)!;
        Assert.Equal(StreamState.Recording, status.State);
        Assert.Equal("G.711 A-law audio cannot be stored in MP4", status.Facts?.Audio);
        Assert.False(status.Facts!.AudioRecorded);
    }

    [Fact]
    public async Task ChangingACamerasUrl_ReconnectsOnlyThatCamera()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch", "garden");
        await scripted.FeedAsync(sources, 0, 30, TimeSpan.FromMilliseconds(40));

        var moved = ScriptedEngine.Camera("porch") with { Main = new StreamEndpoint(new Uri("rtsp://porch.invalid/other"), "", "") };
        await scripted.Engine.ApplyAsync([moved, ScriptedEngine.Camera("garden")]);

        Assert.True(sources[0].Aborted);
        Assert.False(sources[1].Aborted);
        await scripted.Cameras.NextAttemptAsync(new Uri("rtsp://porch.invalid/other"));
        Assert.Equal(3, scripted.Cameras.Opened.Count);
    }
}
