using System.Globalization;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Nightjar.Recorder.Tests.Recordings;

/// <summary>
/// SIGKILL the real recorder again and again while it records two streams, at random instants (while starting, while
/// recording). Afterwards every recording file is playable and indexed, and each kill lost at most about a second of
/// each stream. NIGHTJAR_RECORDING_KILLS sets the count (at least 50 here); NIGHTJAR_RECORDING_SEED replays a run.
/// It runs alone: on two busy cores a recorder starved of CPU falls seconds behind its camera, and whatever is still
/// in the pipes at a kill is lost however the recorder writes.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RecordingCrashTests(ITestOutputHelper output)
{
    private static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable("NIGHTJAR_RECORDING_KILLS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 50;

    [Fact]
    public async Task KillingTheRecorderAtAnyInstant_LeavesEveryFilePlayable_AndLosesAtMostAboutASecondPerStream()
    {
        await using var camera = await FakeCamera.StartAsync(gop: 5);
        var dataDir = TestRecorder.NewDataDir();
        var recordings = Path.Combine(dataDir, "recordings");
        string[] args = ["--Nightjar:Cameras:0:Name=Yard", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}"];
        var seed = int.TryParse(Environment.GetEnvironmentVariable("NIGHTJAR_RECORDING_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? s : Environment.TickCount & 0x7FFFFFFF;
        output.WriteLine($"seed {seed}, {Kills} kills (replay with NIGHTJAR_RECORDING_SEED={seed})");
        var random = new Random(seed);
        var killedWhileRecording = new List<DateTimeOffset>();

        for (var kill = 0; kill < Kills; kill++)
        {
            await using var recorder = RecorderChildProcess.Launch(dataDir, args);
            if (kill % 5 == 4)
            {
                // Somewhere in start-up: loading, reconciling, connecting.
                await Task.Delay(random.Next(0, 1200));
            }
            else
            {
                await WaitUntilFilesGrowAsync(recordings);
                await Task.Delay(random.Next(200, 1500));
                killedWhileRecording.Add(TimeProvider.System.GetUtcNow());
            }

            await recorder.KillAsync();
        }

        // The next start reconciles what the last kill left (the engine alone, so that nothing new is recorded).
        await using (var next = await Recording.RecordingEngine.StartAsync(
            new Recording.RecordingEngineOptions { Dir = recordings, MinFreeBytes = 0 }, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance))
        {
            await next.StopAsync("test over");
        }

        var index = await RecordingIndex.OpenAsync(Path.Combine(recordings, "recordings.db"));
        var all = await index.GetAllRecordingsAsync();
        Assert.NotEmpty(all);
        foreach (var recording in all)
        {
            var path = Path.Combine(recordings, recording.Path);
            Assert.Equal(recording.Bytes, new FileInfo(path).Length);
            var probe = await Ffprobe.ProbeAsync(path);
            Assert.True(probe.Errors.Trim().Length == 0, $"{recording.Path}: {probe.Errors}");
            Assert.InRange(probe.Streams[0].Frames, recording.Fragments - 2, recording.Fragments);
        }

        Assert.Equal(all.Count, Directory.GetFiles(recordings, "*.mp4", SearchOption.AllDirectories).Length);
        foreach (var kind in new[] { Recording.StreamKind.Main, Recording.StreamKind.Sub })
        {
            // The file being written at a kill is the last one that began before it. Its end comes from the camera's
            // media time mapped onto the box's clock, which may lead the kill by a frame or, while the camera's clock
            // runs ahead (within CameraTimeline.MaxDrift), by more: that is not time lost, so a loss is never negative.
            var files = all.Where(r => r.Stream.Kind == kind).OrderBy(r => r.Start).ToList();
            var losses = killedWhileRecording.Select(k =>
            {
                var at = files.FindLastIndex(r => r.Start <= k);
                Assert.True(at >= 0, $"{kind}: nothing recorded before the kill at {k:HH:mm:ss.fff}");
                var loss = k - files[at].End;
                if (loss >= TimeSpan.FromSeconds(1.2))
                {
                    // What the next look needs: the files on either side and why the next one began.
                    foreach (var r in files[Math.Max(0, at - 1)..Math.Min(files.Count, at + 2)])
                    {
                        output.WriteLine($"{kind} kill {k:HH:mm:ss.fff}: {r.Path} {r.Start:HH:mm:ss.fff}–{r.End:HH:mm:ss.fff}, {r.Fragments} fragments, gap before: {r.GapReason ?? "none"}");
                    }
                }

                return loss < TimeSpan.Zero ? TimeSpan.Zero : loss;
            }).ToList();
            output.WriteLine($"{kind}: loss per kill median {Median(losses).TotalMilliseconds:0} ms, worst {losses.Max().TotalMilliseconds:0} ms");
            Assert.All(losses, loss => Assert.True(loss < TimeSpan.FromSeconds(1.2), $"{kind}: {loss.TotalMilliseconds:0} ms lost at a kill"));
        }
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Waits until the newest file of both streams grows: the recorder is up and writing each of them.</summary>
    private static async Task WaitUntilFilesGrowAsync(string folder)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        Dictionary<string, (string File, long Size)>? before = null;
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            var newest = (Directory.Exists(folder) ? Directory.GetFiles(folder, "*.mp4", SearchOption.AllDirectories) : [])
                .GroupBy(f => f.Split('/')[^3]) // main or sub
                .ToDictionary(g => g.Key, g => g.Select(f => (File: f, new FileInfo(f).Length)).MaxBy(f => f.File));
            if (before is not null && newest.Count == 2
                && newest.All(n => before.TryGetValue(n.Key, out var b) && b.File == n.Value.File && n.Value.Length > b.Size))
            {
                return;
            }

            before = newest;
            await Task.Delay(150);
        }

        throw new TimeoutException("The recorder did not start recording both streams within 30 s.");
    }
}
