using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Nightjar.Recorder.Power;
using Nightjar.Recording;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// The recording engine against the fake camera at full size (H.264 1080p25 at 4 Mbit/s, 640×360 sub-stream), the
/// camera in its own process and left out of every figure: CPU per stream beside plain ffmpeg, sixteen streams for
/// ten minutes (CPU, memory, lost fragments, index size), a camera's return, Reboot's gap, and the SIGKILL loss.
/// </summary>
public static partial class RecordingMeasurements
{
    [GeneratedRegex(@"(Main|Sub): loss per kill median (\d+) ms, worst (\d+) ms")]
    private static partial Regex Loss();

    public static async Task RunAsync(BenchReport report, bool quick)
    {
        await using var camera = await FakeCamera.StartAsync(gop: 50, mainSize: "1920x1080", subSize: "640x360", mainKbps: 4000);
        var window = TimeSpan.FromSeconds(quick ? 20 : 60);
        var baseline = await PlainFfmpegCpuAsync(camera.Url("main"), window);
        var one = await OneStreamCpuAsync(camera, window);
        report.Add(
            "CPU of one recorded 1080p25 H.264 stream (4 Mbit/s): the recorder and its ffmpeg child, from /proc, camera excluded, after a 20 s warm-up",
            F($"{one:F2} % of one core; plain `ffmpeg -c copy` writing the same fragmented MP4 to a file: {baseline:F2} % (ratio {one / baseline:F2}) over {window.TotalSeconds:F0} s"),
            "≤ 2 % of one core", one <= 2);

        await SixteenStreamsAsync(report, camera, TimeSpan.FromMinutes(quick ? 1 : 10));
        await CameraReturnAsync(report, camera, quick ? 3 : 10);
        await RebootGapAsync(report, camera, quick ? 2 : 5);
        await KillLossAsync(report, quick ? 10 : 50);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string[] Cameras(FakeCamera camera, int count, bool sub) =>
    [
        .. Enumerable.Range(0, count).SelectMany(i => new[]
        {
            $"--Nightjar:Cameras:{i}:Name=Camera {i + 1}", $"--Nightjar:Cameras:{i}:StreamUrl={camera.Url("main")}",
            // Recording alone: a camera in configuration has motion detection on by default, which decodes every frame
            // (the events table measures that).
            $"--Nightjar:Cameras:{i}:Motion:Enabled=false",
        }.Concat(sub ? [$"--Nightjar:Cameras:{i}:SubStreamUrl={camera.Url("sub")}"] : [])),
    ];

    private static async Task<double> PlainFfmpegCpuAsync(Uri url, TimeSpan window)
    {
        var file = Path.Combine(Path.GetTempPath(), "nightjar-baseline-" + Guid.NewGuid().ToString("N") + ".mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url.AbsoluteUri, "-map", "0:v:0", "-c", "copy",
            "-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_every_frame", "-y", file,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var ffmpeg = Process.Start(start)!;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(15));
            return await new ProcessTree(ffmpeg.Id).CpuPercentAsync(window);
        }
        finally
        {
            ffmpeg.Kill();
            await ffmpeg.WaitForExitAsync();
            File.Delete(file);
        }
    }

    private static async Task<double> OneStreamCpuAsync(FakeCamera camera, TimeSpan window)
    {
        var dataDir = TestRecorder.NewDataDir();
        await using var recorder = await RecorderChildProcess.StartAsync(dataDir, Cameras(camera, 1, sub: false));
        await WaitUntilRecordingAsync(Path.Combine(dataDir, "recordings"), 1);
        await Task.Delay(TimeSpan.FromSeconds(20));
        return await new ProcessTree(recorder.ProcessId).CpuPercentAsync(window);
    }

    private static async Task SixteenStreamsAsync(BenchReport report, FakeCamera camera, TimeSpan soak)
    {
        var dataDir = TestRecorder.NewDataDir();
        var recordings = Path.Combine(dataDir, "recordings");
        DateTimeOffset from, to;
        var cpu = new List<double>();
        long rssAnon = 0, pss = 0;
        await using (var recorder = await RecorderChildProcess.StartAsync(dataDir, Cameras(camera, 8, sub: true)))
        {
            await WaitUntilRecordingAsync(recordings, 16);
            await Task.Delay(TimeSpan.FromSeconds(30));
            var tree = new ProcessTree(recorder.ProcessId);
            from = TimeProvider.System.GetUtcNow();
            var before = tree.CpuSeconds();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < soak)
            {
                cpu.Add(await tree.CpuPercentAsync(TimeSpan.FromSeconds(10)));
                rssAnon = Math.Max(rssAnon, ProcessTree.RssAnonBytes(recorder.ProcessId));
                pss = Math.Max(pss, tree.PssBytes());
            }

            var total = (tree.CpuSeconds() - before) / clock.Elapsed.TotalSeconds * 100;
            to = TimeProvider.System.GetUtcNow();
            report.Add(
                F($"8 cameras × (1080p main + 640×360 sub) = 16 streams for {soak.TotalMinutes:F0} min: CPU of the recorder and its 16 ffmpeg children"),
                F($"{total:F1} % of one core on average, highest 10 s {cpu.Max():F1} %"),
                "≤ 30 % of one core", total <= 30);
            report.Add(
                "16 streams: memory, highest sample",
                F($"recorder private memory (RssAnon) {rssAnon / 1e6:F0} MB; whole tree PSS {pss / 1e6:F0} MB (recorder and 16 ffmpeg, shared libraries counted once)"),
                "RssAnon ≤ 150 MB, tree PSS ≤ 450 MB (a 1 GB box keeps half its memory for the kiosk browser)",
                rssAnon <= 150_000_000 && pss <= 450_000_000);
        }

        // The next start reconciles what the kill left; then count what the index and the files hold.
        await using (var engine = await RecordingEngine.StartAsync(new RecordingEngineOptions { Dir = recordings, MinFreeBytes = 0 }, TimeProvider.System, NullLoggerFactory.Instance))
        {
            long lost = 0, frames = 0;
            double seconds = 0;
            var gaps = 0;
            foreach (var stream in Enumerable.Range(0, 8).SelectMany(i => new[] { new StreamKey($"cfg{i}", StreamKind.Main), new StreamKey($"cfg{i}", StreamKind.Sub) }))
            {
                var timeline = await engine.GetTimelineAsync(stream, from, to);
                gaps += timeline.Gaps.Count(g => g.End > from && g.Start < to);
                lost += (long)timeline.Gaps.Where(g => g.End > from && g.Start < to).Sum(g => g.Duration.TotalSeconds * 25);
                foreach (var recording in await engine.Index.GetRecordingsAsync(stream, from, to))
                {
                    var entries = await engine.Index.GetFragmentsAsync(recording.Id);
                    frames += entries.Count;
                    seconds += recording.MediaDuration / 90_000.0;
                    lost += entries.Zip(entries.Skip(1), (a, b) => b.Time - a.Time).Where(step => step > 5400).Sum(step => (step / 3600) - 1);
                }
            }

            await engine.StopAsync("bench over");
            report.Add(
                "16 streams: lost fragments (holes in the timeline or between frames inside files, in frames)",
                F($"{lost} lost, {gaps} gaps; {frames} frames in {seconds / 3600:F2} stream-hours = {frames / seconds:F2} frames/s per stream (the camera sends 25)"),
                "0 lost", lost == 0 && gaps == 0);
        }

        SqliteConnection.ClearAllPools();
        await using (var index = new SqliteConnection($"Data Source={Path.Combine(recordings, "recordings.db")}"))
        {
            await index.OpenAsync();
            await index.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            var rows = await index.QueryAsync(
                """
                SELECT s.kind, SUM(LENGTH(f.entries)), (SELECT SUM(r2.media_duration) FROM recording r2 JOIN stream s2 ON s2.id = r2.stream_id WHERE s2.kind = s.kind) / 90000.0
                FROM fragment_run f JOIN recording r ON r.id = f.recording_id JOIN stream s ON s.id = r.stream_id GROUP BY s.kind
                """,
                r => (Kind: r.GetString(0), Blob: r.GetInt64(1), Seconds: r.GetDouble(2)));
            var file = new FileInfo(Path.Combine(recordings, "recordings.db")).Length;
            var streamDays = rows.Sum(r => r.Seconds) / 86_400;
            string PerDay(string kind) => rows.FirstOrDefault(r => r.Kind == kind) is { Seconds: > 0 } r ? F($"{r.Blob / (r.Seconds / 86_400) / 1e6:F1} MB") : "–";
            report.Add(
                "bytes of index per stream-day (from the 16-stream run)",
                F($"{file / streamDays / 1e6:F1} MB of recordings.db per stream-day; fragment entries alone: main {PerDay("main")}, sub {PerDay("sub")}"),
                "≤ 15 MB (under 1/2500 of a 4 Mbit/s stream's 43 GB a day)", file / streamDays <= 15e6);
        }

        Directory.Delete(dataDir, recursive: true);
    }

    private static async Task CameraReturnAsync(BenchReport report, FakeCamera camera, int runs)
    {
        var dataDir = TestRecorder.NewDataDir();
        var main = Path.Combine(dataDir, "recordings", "cfg0", "main");
        var times = new List<double>();
        await using (var recorder = await RecorderChildProcess.StartAsync(dataDir, Cameras(camera, 1, sub: false)))
        {
            await WaitUntilRecordingAsync(Path.Combine(dataDir, "recordings"), 1);
            for (var i = 0; i < runs; i++)
            {
                await camera.KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(3));
                var known = Files(main).ToHashSet();
                await camera.RestartAsync();
                var clock = Stopwatch.StartNew();
                while (Files(main).All(known.Contains) && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(10);
                }

                times.Add(clock.Elapsed.TotalMilliseconds);
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }

        var samples = new Samples(times);
        report.Add("camera back (its RTSP server listening again) → first file of the new recording on disk, 1080p, keyframe every 2 s",
            samples.Describe(), "p95 ≤ 2 s", samples.P95 <= 2000);
        Directory.Delete(dataDir, recursive: true);
    }

    private static async Task RebootGapAsync(BenchReport report, FakeCamera camera, int runs)
    {
        var gaps = new List<double>();
        await using (var recorder = await TestRecorder.StartAsync(Cameras(camera, 1, sub: true)))
        {
            await recorder.CompleteSetupAsync();
            var main = new StreamKey("cfg0", StreamKind.Main);
            for (var i = 0; i < runs; i++)
            {
                await WaitUntilRecordingAsync(recorder, main);
                await Task.Delay(TimeSpan.FromSeconds(3));
                var boot = (await recorder.WaitUntilHealthyAsync()).BootId;
                var asked = TimeProvider.System.GetUtcNow();
                await recorder.Get<PowerControl>().RequestAsync(PowerAction.Reboot, "Reboot from the benchmark.");
                await recorder.WaitUntilHealthyAsync(notBootId: boot);
                await WaitUntilRecordingAsync(recorder, main);
                await Task.Delay(TimeSpan.FromSeconds(2));
                var timeline = await recorder.Get<RecordingEngine>().GetTimelineAsync(main, asked.AddSeconds(-10), TimeProvider.System.GetUtcNow());
                gaps.AddRange(timeline.Gaps.Where(g => g.Reason == "recorder rebooted" && g.Start >= asked.AddSeconds(-1)).Select(g => g.Duration.TotalMilliseconds));
            }
        }

        var samples = new Samples(gaps);
        report.Add("Power → Reboot: the gap it leaves in a 1080p recording, from the timeline (\"recorder rebooted\")", samples.Describe(), "median ≤ 4 s", samples.Median <= 4000);
    }

    private static async Task KillLossAsync(BenchReport report, int kills)
    {
        var (exitCode, output) = await TestSuiteRun.RunAsync("FullyQualifiedName~RecordingCrash", "NIGHTJAR_RECORDING_KILLS", kills);
        var losses = Loss().Matches(output).ToDictionary(m => m.Groups[1].Value, m => (Median: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), Worst: int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
        var measured = losses.Count == 2
            ? F($"{kills} kills while recording main and sub (the loop of RecordingCrashTests): main median {losses["Main"].Median} ms, worst {losses["Main"].Worst} ms; sub median {losses["Sub"].Median} ms, worst {losses["Sub"].Worst} ms; every file playable")
            : F($"the crash loop did not finish (exit code {exitCode})");
        report.Add("SIGKILL of the recorder: recording lost per stream per kill", measured, "≤ 1 s, every file playable", exitCode == 0 && losses.Values.All(l => l.Worst <= 1000));
    }

    private static IEnumerable<string> Files(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.mp4", SearchOption.AllDirectories) : [];

    /// <summary>Waits until <paramref name="streams"/> files are growing.</summary>
    private static async Task WaitUntilRecordingAsync(string folder, int streams)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var sizes = Files(folder).ToDictionary(f => f, f => new FileInfo(f).Length);
            await Task.Delay(500);
            if (Files(folder).Count(f => sizes.TryGetValue(f, out var before) && new FileInfo(f).Length > before) >= streams)
            {
                return;
            }
        }

        throw new TimeoutException($"{streams} streams did not start recording within 60 s.");
    }

    private static async Task WaitUntilRecordingAsync(TestRecorder recorder, StreamKey stream)
    {
        var clock = Stopwatch.StartNew();
        while (recorder.Get<RecordingEngine>().Status(stream)?.State != StreamState.Recording)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{stream} did not start recording within 60 s.");
            }

            await Task.Delay(50);
        }
    }
}
