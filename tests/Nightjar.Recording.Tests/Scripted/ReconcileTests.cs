using Nightjar.Recording.Ingest;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>What start-up does with a recordings folder left by a crash: every file playable and indexed, nothing else kept.</summary>
public sealed class ReconcileTests
{
    [Fact]
    public async Task AfterACrash_FilesAreCutToWholeFragments_IndexedOrDropped_AndTheGapSaysWhy()
    {
        using var crashed = new TemporaryFolder();
        string openPath, closedPath;
        long openMediaStart;
        await using (var scripted = await ScriptedEngine.StartAsync())
        {
            var sources = await scripted.ConnectAsync("porch");
            await scripted.FeedAsync(sources, 0, 25 * 75, TimeSpan.FromMilliseconds(40));
            scripted.Clock.Advance(TimeSpan.FromSeconds(1));
            var files = await Eventually.ReturnsAsync(async () =>
            {
                var all = await scripted.RecordingsAsync("porch");
                return all.Count == 2 && all[1].Fragments > 0 ? all : null;
            }, TimeSpan.FromSeconds(10), "one closed file and one open, committed");
            (closedPath, openPath) = (files[0].Path, files[1].Path);
            openMediaStart = files[1].MediaStart;
            Assert.Equal(files[1].MediaStart, files[1].BytesBase); // its bytes start at 0, its place in the run is in the index

            // The power goes: what is on disk now is what the next start finds.
            crashed.CopyFrom(scripted.Folder.Path);
        }

        var open = Path.Combine(crashed.Path, openPath);
        var openBytes = new FileInfo(open).Length;
        var fragment = SampleStream.Frame(0).Bytes;
        await using (var append = new FileStream(open, FileMode.Append))
        {
            await append.WriteAsync(fragment.AsMemory(0, fragment.Length / 2)); // a fragment cut in the middle
        }

        var orphan = Path.Combine(Path.GetDirectoryName(open)!, "20261201T101000.000000Z.mp4");
        File.Copy(open, orphan); // a file made just before the crash, never committed
        var garbage = Path.Combine(Path.GetDirectoryName(open)!, "20261201T102000.000000Z.mp4");
        await File.WriteAllBytesAsync(garbage, [0, 0, 0, 8, (byte)'j', (byte)'u', (byte)'n', (byte)'k', 1, 2, 3]);
        File.Delete(Path.Combine(crashed.Path, closedPath)); // a file whose row outlived it

        await using var restarted = await ScriptedEngine.StartAsync(folder: crashed);
        var recordings = await restarted.RecordingsAsync("porch");

        Assert.DoesNotContain(recordings, r => r.Path == closedPath);
        Assert.False(File.Exists(garbage));
        var repaired = Assert.Single(recordings, r => r.Path == openPath);
        Assert.False(repaired.Open);
        Assert.Equal(openBytes, repaired.Bytes);
        Assert.Equal(openBytes, new FileInfo(open).Length);
        Assert.Equal(openMediaStart, repaired.MediaStart); // still the run's time, read back from the file's own
        var adopted = Assert.Single(recordings, r => r.Path.EndsWith("20261201T101000.000000Z.mp4", StringComparison.Ordinal));
        Assert.Equal(repaired.Fragments, adopted.Fragments);
        foreach (var recording in recordings)
        {
            var entries = await restarted.Engine.Index.GetFragmentsAsync(recording.Id);
            Assert.Equal(recording.Fragments, entries.Count);
            Assert.Equal(recording.Bytes, entries[^1].Offset + entries[^1].Size);
            var probe = await Ffprobe.ProbeAsync(Path.Combine(crashed.Path, recording.Path));
            Assert.Equal("", probe.Errors.Trim());
            Assert.Equal(recording.Fragments, probe.Streams[0].Frames);
        }

        // Recording goes on, and the gap says the recorder died.
        var sources2 = await restarted.ConnectAsync("porch");
        await restarted.FeedAsync(sources2, 0, 50, TimeSpan.FromMilliseconds(40));
        await restarted.Engine.StopAsync("test over");
        var next = (await restarted.RecordingsAsync("porch"))[^1];
        Assert.Equal(RecordingEngine.CrashReason, next.GapReason);
    }

    [Fact]
    public async Task AfterAReboot_TheGapNamesTheReboot_AndAfterACameraOutageTheCamerasReason()
    {
        using var folder = new TemporaryFolder();
        await using (var first = await ScriptedEngine.StartAsync(folder: folder))
        {
            var sources = await first.ConnectAsync("porch", "garden");
            await first.FeedAsync(sources, 0, 50, TimeSpan.FromMilliseconds(40));
            sources[1].End(StreamProblem.Unreachable); // garden goes down before the reboot
            await Task.Delay(200);
            await first.Engine.StopAsync("recorder rebooted");
        }

        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ScriptedEngine.Start.AddMinutes(1));
        await using var second = await ScriptedEngine.StartAsync(folder: folder, clock: clock);
        var again = await second.ConnectAsync("porch", "garden");
        await second.FeedAsync(again, 0, 50, TimeSpan.FromMilliseconds(40));
        await second.Engine.StopAsync("test over");

        Assert.Equal("recorder rebooted", (await second.RecordingsAsync("porch"))[^1].GapReason);
        Assert.Equal("camera unreachable", (await second.RecordingsAsync("garden"))[^1].GapReason);
        var timeline = await second.Engine.GetTimelineAsync(new StreamKey("porch", StreamKind.Main), ScriptedEngine.Start, clock.GetUtcNow());
        var gap = Assert.Single(timeline.Gaps);
        Assert.Equal("recorder rebooted", gap.Reason);
        Assert.InRange(gap.Duration, TimeSpan.FromSeconds(57), TimeSpan.FromSeconds(59));
    }

    [Fact]
    public async Task ACameraDisabledAndEnabled_OrRemovedAndAddedAgain_HasAGapThatSaysSo()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch", "garden");
        await scripted.FeedAsync(sources, 0, 50, TimeSpan.FromMilliseconds(40));

        // Porch disabled, garden removed; ten seconds later both are back.
        await scripted.Engine.ApplyAsync([ScriptedEngine.Camera("porch") with { Enabled = false }]);
        scripted.Clock.Advance(TimeSpan.FromSeconds(10));
        var again = await scripted.ConnectAsync("porch", "garden");
        await scripted.FeedAsync(again, 0, 50, TimeSpan.FromMilliseconds(40));
        await scripted.Engine.StopAsync("test over");

        Assert.Equal("camera disabled", (await scripted.RecordingsAsync("porch"))[^1].GapReason);
        Assert.Equal("camera removed", (await scripted.RecordingsAsync("garden"))[^1].GapReason);
        var timeline = await scripted.Engine.GetTimelineAsync(new StreamKey("porch", StreamKind.Main), ScriptedEngine.Start, scripted.Clock.GetUtcNow());
        Assert.Equal("camera disabled", Assert.Single(timeline.Gaps).Reason);
    }
}
