using Nightjar.Recording.Storage;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>Files of about a minute, staggered per stream, starting at keyframes, and wall time after Moonfire's time.md.</summary>
public sealed class RotationAndTimeTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    [Fact]
    public async Task Files_RotateAboutEveryMinute_AtEachStreamsOwnSecond_WithoutAGapBetweenThem()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch", "garden");
        await scripted.FeedAsync(sources, 0, 25 * 200, Frame);
        await scripted.Engine.StopAsync("test over");

        var rotationSeconds = new List<int>();
        foreach (var camera in new[] { "porch", "garden" })
        {
            var files = await scripted.RecordingsAsync(camera);
            Assert.InRange(files.Count, 3, 5);
            Assert.All(files, f => Assert.False(f.Open));
            for (var i = 1; i < files.Count; i++)
            {
                Assert.Equal(files[i - 1].End, files[i].Start);
                Assert.Null(files[i].GapReason);
                if (i < files.Count - 1)
                {
                    // A keyframe every second: rotation lands within a second after the stream's own point in the minute.
                    Assert.InRange((files[i].End - files[i].Start).TotalSeconds, 59, 61.5);
                }
            }

            rotationSeconds.Add(files[1].Start.Second);
            Assert.All(files.Skip(1), f => Assert.InRange((f.Start.Second - files[1].Start.Second + 60) % 60, 0, 1));
            foreach (var file in files)
            {
                var entries = await scripted.Engine.Index.GetFragmentsAsync(file.Id);
                Assert.Equal(file.Fragments, entries.Count);
                Assert.True(entries[0].IsKeyframe);
                Assert.Equal(file.InitBytes, entries[0].Offset);
                Assert.Equal(file.Bytes, entries[^1].Offset + entries[^1].Size);
                Assert.Equal(file.Bytes, new FileInfo(Path.Combine(scripted.Folder.Path, file.Path)).Length);
            }
        }

        Assert.NotEqual(rotationSeconds[0], rotationSeconds[1]);
        var any = (await scripted.RecordingsAsync("porch"))[1];
        var probe = await Ffprobe.ProbeAsync(Path.Combine(scripted.Folder.Path, any.Path));
        Assert.Equal("", probe.Errors.Trim());
        Assert.Equal(any.Fragments, probe.Streams[0].Frames);
    }

    [Fact]
    public async Task ACameraClockThatRunsFast_IsCorrectedByAtMost500Ppm_PerRecording()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch");
        // 1000 ppm fast: 40 ms of media arrive every 39.96 ms of the recorder's clock.
        await scripted.FeedAsync(sources, 0, 25 * 200, TimeSpan.FromTicks(Frame.Ticks * 999 / 1000));
        await scripted.Engine.StopAsync("test over");

        var files = await scripted.RecordingsAsync("porch");
        foreach (var file in files.Skip(1).SkipLast(1))
        {
            var mediaUs = file.MediaDuration * 100 / 9;
            var wallUs = WallClock.ToMicroseconds(file.End) - WallClock.ToMicroseconds(file.Start);
            Assert.Equal(mediaUs - (mediaUs / 2000), wallUs);
        }
    }

    [Fact]
    public async Task ACameraClockThatRunsAlittleSlow_IsFollowedToTheRecordersClock()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch");
        var first = scripted.Clock.GetUtcNow();
        // 200 ppm slow: 40 ms of media arrive every 40.008 ms.
        await scripted.FeedAsync(sources, 0, 25 * 240, TimeSpan.FromTicks(Frame.Ticks * 1000_2 / 1000_0));
        var last = scripted.Clock.GetUtcNow();
        await scripted.Engine.StopAsync("test over");

        var files = await scripted.RecordingsAsync("porch");
        var closedMedia = files.Sum(f => f.MediaDuration) * 100 / 9;
        var wall = (files[^1].End - files[0].Start).TotalMicroseconds;
        Assert.True(wall > closedMedia, "A slow camera clock makes wall time longer than media time.");
        // Here a frame is pushed when it starts, so its local time is one frame early (ffmpeg hands a frame over when the
        // next one arrives, which is when it ends). After four minutes the wall time is within the drift of the last
        // file (60 s × 200 ppm = 12 ms) of what the recorder's own clock measured.
        Assert.InRange(files[0].Start - (first - Frame), TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1));
        Assert.InRange(files[^1].End - (last - Frame), TimeSpan.FromMilliseconds(-13), TimeSpan.FromMilliseconds(1));
    }
}
