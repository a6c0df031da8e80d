using Microsoft.Extensions.Logging;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>
/// Issue 19 item 2: camera timestamps that jump, and a box clock that steps. Wall time follows the box's clock, the
/// camera's time only spaces the frames; a jump is a logged discontinuity, never a lost, squeezed or stretched span.
/// </summary>
public sealed class TimeJumpTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);
    private static readonly StreamKey Porch = new("porch", StreamKind.Main);
    private static readonly long TwoHoursTicks = 2L * 3600 * 90_000;

    /// <summary>
    /// What ffmpeg's mp4 muxer writes for a camera's decode times: a time that is not after the one before becomes
    /// the one before plus one tick ("Non-monotonous DTS … changing to …"), and each frame lasts until the next one's
    /// time, so a jump back leaves frames one tick long until the camera's clock catches up, and a jump forward makes
    /// the frame before it last as long as the jump.
    /// </summary>
    private static (long Decode, long Duration)[] AsFfmpegWritesThem(List<long> camera)
    {
        var written = new long[camera.Count];
        for (var i = 0; i < camera.Count; i++)
        {
            written[i] = i == 0 ? camera[0] : Math.Max(camera[i], written[i - 1] + 1);
        }

        return [.. Enumerable.Range(0, camera.Count - 1).Select(i => (written[i], written[i + 1] - written[i]))];
    }

    private static async Task<(DateTimeOffset First, DateTimeOffset Last)> FeedAsync(ScriptedEngine scripted, ScriptedSource source, (long Decode, long Duration)[] frames)
    {
        var first = scripted.Clock.GetUtcNow();
        for (var i = 0; i < frames.Length && !source.Aborted; i++)
        {
            await source.PushAsync(SampleStream.Retimed(i, frames[i].Decode, frames[i].Duration));
            scripted.Clock.Advance(Frame);
        }

        return (first, scripted.Clock.GetUtcNow());
    }

    /// <summary>Files back to back from the first frame to the last, each a normal minute file whose wall time is its media time.</summary>
    private static async Task AssertFollowsTheBoxAsync(ScriptedEngine scripted, DateTimeOffset first, DateTimeOffset last, int frames)
    {
        var files = await scripted.RecordingsAsync("porch");
        var described = string.Join("\n", files.Select(f => $"{f.Path} {f.Start:HH:mm:ss.ffffff}–{f.End:HH:mm:ss.ffffff} media {f.MediaDuration * 100 / 9 / 1000} ms, {f.Fragments} frames"));
        var minutes = (last - first).TotalMinutes;
        Assert.True(files.Count <= Math.Ceiling(minutes) + 1, $"{files.Count} files for {minutes:F1} minutes:\n{described}");
        Assert.Equal(frames, files.Sum(f => f.Fragments));
        Assert.Equal(files.Count, files.Select(f => f.Path).Distinct().Count());
        Assert.InRange(files[0].Start - (first - Frame), TimeSpan.FromMilliseconds(-50), TimeSpan.FromMilliseconds(50));
        Assert.InRange(files[^1].End - (last - Frame), TimeSpan.FromMilliseconds(-100), TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            Assert.False(file.Open);
            var wall = file.End - file.Start;
            var media = TimeSpan.FromMicroseconds(WallClock.MediaToMicroseconds(file.MediaDuration));
            Assert.True((wall - media).Duration() <= TimeSpan.FromMilliseconds(100), $"{file.Path} holds {media} of video in {wall} of wall time:\n{described}");
            if (i > 0)
            {
                Assert.Equal(files[i - 1].End, file.Start);
                Assert.True(file.Start - files[i - 1].Start >= TimeSpan.FromSeconds(20), $"{file.Path} started {file.Start - files[i - 1].Start} after the one before:\n{described}");
            }

            if (i < files.Count - 1)
            {
                Assert.InRange(wall.TotalSeconds, 20, 61.5);
            }

            var entries = await scripted.Engine.Index.GetFragmentsAsync(file.Id);
            Assert.All(entries.Skip(1).Zip(entries), pair => Assert.True(pair.First.Time > pair.Second.Time, $"{file.Path}: media time goes back"));
        }

        var timeline = await scripted.Engine.GetTimelineAsync(Porch, first.AddMinutes(-1), last.AddMinutes(1));
        Assert.Single(timeline.Spans);
        Assert.Empty(timeline.Gaps);
        Assert.Equal(files[^1].End, timeline.Spans[0].End);
    }

    private static async Task AssertPlaysAsync(ScriptedEngine scripted, RecordingSummary file)
    {
        var probe = await Ffprobe.ProbeAsync(Path.Combine(scripted.Folder.Path, file.Path));
        Assert.Equal("", probe.Errors.Trim());
        Assert.Equal(file.Fragments, probe.Streams[0].Frames);
        Assert.All(probe.VideoPackets.Skip(1).Zip(probe.VideoPackets), pair => Assert.True(pair.First.Dts > pair.Second.Dts));
        var played = TimeSpan.FromSeconds(probe.VideoPackets[^1].DtsTime - probe.VideoPackets[0].DtsTime);
        Assert.InRange(played.TotalSeconds, (file.End - file.Start).TotalSeconds - 1, (file.End - file.Start).TotalSeconds);
    }

    [Fact]
    public async Task CameraTimestampsThatJumpBack_AreRecordedInMinuteFilesTimedByTheBox_AndTheJumpIsLogged()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var source = (await scripted.ConnectAsync("porch"))[0];
        // 40 s of video, then the camera's clock goes back 40 s (a second client joined a shared mount), then 70 s more.
        var camera = Enumerable.Range(0, (25 * 150) + 1).Select(i => (i < 25 * 40 ? i : i - (25 * 40)) * SampleStream.FrameTicks).ToList();
        var frames = AsFfmpegWritesThem(camera);

        var (first, last) = await FeedAsync(scripted, source, frames);
        Assert.False(source.Aborted, "The jump ended the camera's connection: " + string.Join(" | ", scripted.Log.Messages(LogLevel.Warning)));
        await scripted.Engine.StopAsync("test over");

        await AssertFollowsTheBoxAsync(scripted, first, last, frames.Length);
        var files = await scripted.RecordingsAsync("porch");
        await AssertPlaysAsync(scripted, files.First(f => f.End > first.AddSeconds(40)));
        Assert.Contains(scripted.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("porch/main: camera timestamps jumped back", StringComparison.Ordinal)
            && e.Message.Contains("recording goes on from the box's clock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CameraTimestampsThatJumpForwardTwoHours_StretchNoFile_AndTheJumpIsLogged()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var source = (await scripted.ConnectAsync("porch"))[0];
        // The camera's clock leaps two hours ahead in the middle of a second (not at a keyframe).
        var camera = Enumerable.Range(0, (25 * 100) + 1).Select(i => (i * SampleStream.FrameTicks) + (i < (25 * 40) + 7 ? 0 : TwoHoursTicks)).ToList();
        var frames = AsFfmpegWritesThem(camera);

        var (first, last) = await FeedAsync(scripted, source, frames);
        Assert.False(source.Aborted, "The jump ended the camera's connection: " + string.Join(" | ", scripted.Log.Messages(LogLevel.Warning)));
        await scripted.Engine.StopAsync("test over");

        await AssertFollowsTheBoxAsync(scripted, first, last, frames.Length);
        var files = await scripted.RecordingsAsync("porch");
        await AssertPlaysAsync(scripted, files.First(f => f.End > first.AddSeconds(40)));
        Assert.Contains(scripted.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("porch/main: camera timestamps jumped by 2:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheBoxClockSetForwardWhileRecording_EndsTheFileAtTheNextKeyframe_AndTheNextStartsAtTheNewTime()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ScriptedEngine.Start);
        var box = new SteppingClock(time);
        await using var scripted = await ScriptedEngine.StartAsync(clock: time, engineClock: box);
        var source = (await scripted.ConnectAsync("porch"))[0];

        // The box booted with its clock three hours behind; NTP corrects it 30 s into the recording, mid-second.
        await scripted.FeedAsync([source], 0, (25 * 30) + 10, Frame);
        box.Step(TimeSpan.FromHours(3));
        await scripted.FeedAsync([source], (25 * 30) + 10, 25 * 40, Frame);
        var last = box.GetUtcNow();
        await scripted.Engine.StopAsync("test over");

        var files = await scripted.RecordingsAsync("porch");
        Assert.InRange(files.Count, 2, 3); // the stream's own rotation may come within the 40 s after the step
        Assert.Equal((25 * 30) + 10 + (25 * 40), files.Sum(f => f.Fragments));
        Assert.Equal(25 * 31, files[0].Fragments); // up to the keyframe after the step
        Assert.InRange(files[0].End - ScriptedEngine.Start, TimeSpan.FromSeconds(31) - Frame - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(31));
        Assert.InRange(files[1].Start - (ScriptedEngine.Start + TimeSpan.FromHours(3) + TimeSpan.FromSeconds(31) - Frame), TimeSpan.FromMilliseconds(-50), TimeSpan.FromMilliseconds(50));
        Assert.InRange(files[^1].End - (last - Frame), TimeSpan.FromMilliseconds(-100), TimeSpan.FromMilliseconds(100));
        Assert.Equal("the box's clock was changed", files[1].GapReason);
        Assert.Contains(scripted.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("The box's clock stepped by 3:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheBoxClockSetBackWhileRecording_StartsTheNextFileAtTheNewTime_NotPinnedAfterTheWrongOnes()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ScriptedEngine.Start);
        var box = new SteppingClock(time);
        await using var scripted = await ScriptedEngine.StartAsync(clock: time, engineClock: box);
        var source = (await scripted.ConnectAsync("porch"))[0];

        // The box booted an hour ahead; NTP sets it back 30 s into the recording.
        await scripted.FeedAsync([source], 0, (25 * 30) + 10, Frame);
        box.Step(TimeSpan.FromHours(-1));
        await scripted.FeedAsync([source], (25 * 30) + 10, 25 * 40, Frame);
        var last = box.GetUtcNow();
        await scripted.Engine.StopAsync("test over");

        var files = (await scripted.RecordingsAsync("porch")).OrderBy(f => f.Id).ToList();
        Assert.InRange(files.Count, 2, 3);
        Assert.Equal((25 * 30) + 10 + (25 * 40), files.Sum(f => f.Fragments));
        Assert.Equal(25 * 31, files[0].Fragments);
        Assert.InRange(files[1].Start - (ScriptedEngine.Start - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(31) - Frame), TimeSpan.FromMilliseconds(-50), TimeSpan.FromMilliseconds(50));
        Assert.InRange(files[^1].End - (last - Frame), TimeSpan.FromMilliseconds(-100), TimeSpan.FromMilliseconds(100));
        Assert.All(files.Skip(2), f => Assert.Equal(files[1].End, f.Start));
        Assert.Contains(scripted.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("The box's clock stepped by -1:00:00", StringComparison.Ordinal));
    }
}
