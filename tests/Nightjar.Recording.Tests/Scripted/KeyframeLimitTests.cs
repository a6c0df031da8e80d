using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>
/// The longest a stream may go without a keyframe (10 s of the camera's time by default): past it the file ends and
/// the stream is connected again, saying why; a camera whose keyframes come at the limit is never restarted.
/// </summary>
public sealed class KeyframeLimitTests
{
    private static readonly StreamKey Porch = new("porch", StreamKind.Main);
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);
    private static readonly long LimitTicks = (long)RecordingEngineOptions.DefaultMaxKeyframeInterval.TotalSeconds * MediaFragment.Timebase;

    /// <summary>
    /// Sends frames <paramref name="from"/>, +1, +2, … of the sample (a keyframe every 25) but only the keyframes
    /// <paramref name="isKeyframe"/> keeps: the others are left out, a frame's gap in the camera's time, as from a camera
    /// that sends fewer keyframes. Stops after <paramref name="count"/> frames, or when the engine lets go of the
    /// connection; returns the last frame sent.
    /// </summary>
    private static async Task<long> SendAsync(ScriptedEngine scripted, ScriptedSource source, long from, int count, Func<long, bool> isKeyframe)
    {
        long last = -1;
        for (var n = from; n < from + count && !source.Aborted; n++)
        {
            var frame = SampleStream.Frame(n);
            if (!frame.IsKeyframe || isKeyframe(n))
            {
                await source.PushAsync(frame);
                last = n;
            }

            scripted.Clock.Advance(Frame);
        }

        return last;
    }

    [Fact]
    public async Task ACameraThatSendsOneKeyframeAndThenNone_IsConnectedAgainAfterTenSecondsOfItsTime_AndTheScreenSaysWhy()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var first = (await scripted.ConnectAsync("porch"))[0];

        var last = await SendAsync(scripted, first, 0, 25 * 60, n => n == 0);

        // Frame 251 is the first to end more than 10 s after the keyframe (frame 250, a keyframe, was left out).
        Assert.True(first.Aborted, "A minute without a keyframe was recorded in one piece.");
        Assert.Equal(251, last);
        var offline = await Eventually.StateAsync(scripted.Engine, Porch, s => s.State == StreamState.Offline, TimeSpan.FromSeconds(5), "offline");
        Assert.Equal("Offline: no keyframe from the camera for 10 s", offline.Text);

        var next = scripted.Cameras.NextAttemptAsync(ScriptedEngine.Url("porch"));
        while (!next.IsCompleted)
        {
            scripted.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(10);
        }

        var second = await next;
        second.Connect(SampleStream.Init);
        await SendAsync(scripted, second, 0, 20, n => true);
        var restarted = scripted.Engine.Status(Porch)!;
        Assert.Equal(StreamState.Recording, restarted.State);
        Assert.Equal("Recording (restarted after no keyframe from the camera for 10 s)", restarted.Text);

        // Keyframes come again: the note goes with the session's second one.
        await SendAsync(scripted, second, 20, 60, n => true);
        Assert.Equal("Recording", scripted.Engine.Status(Porch)!.Text);

        await scripted.Engine.StopAsync("test over");
        var files = await scripted.RecordingsAsync("porch");
        Assert.Equal(2, files.Count);
        Assert.False(files[0].Open);
        Assert.InRange(files[0].MediaDuration, LimitTicks - (3 * SampleStream.FrameTicks), LimitTicks);
        Assert.Equal("no keyframe from the camera for 10 s", files[1].GapReason);
    }

    [Fact]
    public async Task ACameraWhoseKeyframesComeExactlyAtTheLimit_IsNeverRestarted()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var source = (await scripted.ConnectAsync("porch"))[0];

        // A keyframe every 10 s (250 frames) for a minute and a half.
        await SendAsync(scripted, source, 0, 25 * 90, n => n % 250 == 0);

        Assert.False(source.Aborted);
        Assert.Equal("Recording", scripted.Engine.Status(Porch)!.Text);
        await scripted.Engine.StopAsync("test over");
        Assert.Single(scripted.Cameras.Opened);
        var files = await scripted.RecordingsAsync("porch");
        Assert.All(files.Skip(1), f => Assert.Null(f.GapReason));
    }
}
