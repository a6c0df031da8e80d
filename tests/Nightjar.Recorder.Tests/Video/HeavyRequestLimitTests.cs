using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Pairing;
using Nightjar.Recorder.Video;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>
/// One signed-in app cannot exhaust the box: snapshots (each an ffmpeg decoder) and recorded video being sent are
/// limited per client and in all, past which the answer is 429 with Retry-After and a problem in words; an export
/// waiting behind another holds only its request.
/// </summary>
public sealed class HeavyRequestLimitTests : IAsyncLifetime
{
    private const string Camera = "/api/v1/cameras/" + RecordedCamera.CameraId;

    private FakeCamera camera = null!;
    private TestRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        camera = await FakeCamera.StartAsync(gop: 25);
        recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}",
            "--Nightjar:Cameras:0:Motion:Enabled=false",
            "--Nightjar:Video:SnapshotsPerClient=2", "--Nightjar:Video:SnapshotsAtOnce=3",
            "--Nightjar:Video:DownloadsPerClient=2", "--Nightjar:Video:DownloadsAtOnce=3");
        await recorder.CompleteSetupAsync();
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        await camera.DisposeAsync();
    }

    [Fact]
    public async Task TwentySnapshotsAtOnce_FromEachOfTwoApps_NeverRunMoreDecodersThanTheLimit_AndTheRestAre429InWords()
    {
        var tokens = new[] { await VideoConnections.SignInAsync(recorder), await VideoConnections.SignInAsync(recorder) };
        await WaitForAsync(async () => (await GetAsync($"{Camera}/snapshot.jpg", tokens[0])).StatusCode == HttpStatusCode.OK, "a first snapshot");

        using var watching = new CancellationTokenSource();
        var mostDecoders = Task.Run(() => MostSnapshotDecoders(watching.Token));
        var answers = await Task.WhenAll(tokens.SelectMany(token => Enumerable.Range(0, 20).Select(_ => GetAsync($"{Camera}/snapshot.jpg", token))));
        await watching.CancelAsync();
        var most = await mostDecoders;

        Assert.InRange(most, 1, 3); // SnapshotsAtOnce, however many ask
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, a.StatusCode.ToString()));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(refused.Count >= 20, $"{refused.Count} of 40 refused"); // at most 3 of 40 run at a time; each takes tens of ms
        foreach (var answer in refused)
        {
            Assert.InRange(answer.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
            var (type, detail) = await ProblemAsync(answer);
            Assert.Equal(ProblemTypes.Busy, type);
            Assert.Matches("^(This sign-in already has 2 snapshots being made at once|The recorder is busy: it already has 3 snapshots being made at once)", detail);
        }

        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"{Camera}/snapshot.jpg", tokens[0])).StatusCode); // nothing held after
        Assert.Equal(0, recorder.Get<HeavyRequests>().Running(HeavyRequests.Work.Snapshot));
    }

    [Fact]
    public async Task RecordedVideo_PastAnAppsShare_OrTheBoxsLimit_Is429InWords_UntilOneIsDone()
    {
        var (mine, other) = (await VideoConnections.SignInAsync(recorder), await VideoConnections.SignInAsync(recorder));
        var engine = recorder.Get<RecordingEngine>();
        await WaitForAsync(async () => (await engine.Index.GetRecordingsAsync(new StreamKey(RecordedCamera.CameraId, StreamKind.Main),
            TimeProvider.System.GetUtcNow().AddHours(-1), TimeProvider.System.GetUtcNow())).Count > 0, "a recording");
        var now = TimeProvider.System.GetUtcNow();
        var video = $"{Camera}/video.mp4?from={Uri.EscapeDataString(now.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(now.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture))}";
        var heavy = recorder.Get<HeavyRequests>();

        // Two downloads of my app still being read (slow readers): a third of mine is refused, another app's is not.
        var held = new List<HeavyRequests.Slot> { heavy.Enter(await AppAsync(mine), HeavyRequests.Work.Download), heavy.Enter(await AppAsync(mine), HeavyRequests.Work.Download) };
        var third = await GetAsync(video, mine);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), third.Headers.RetryAfter?.Delta);
        var (type, detail) = await ProblemAsync(third);
        Assert.Equal(ProblemTypes.Busy, type);
        Assert.StartsWith("This sign-in already has 2 recorded videos being sent at once, the most one app may.", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(video, other)).StatusCode);

        // A third download elsewhere fills the box: now another app is refused too. (The download above may still be
        // leaving the server after its client read it all: wait for its place to be given back first.)
        await WaitForAsync(() => Task.FromResult(heavy.Running(HeavyRequests.Work.Download) == 2), "the other app's download to end");
        held.Add(heavy.Enter(await AppAsync(other), HeavyRequests.Work.Download));
        Assert.Null(held[^1].Refusal);
        var full = await GetAsync(video, other);
        Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        Assert.StartsWith("The recorder is busy: it already has 3 recorded videos being sent at once", (await ProblemAsync(full)).Detail, StringComparison.Ordinal);

        held.ForEach(s => s.Dispose());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(video, mine)).StatusCode);
        Assert.Equal(0, heavy.Running(HeavyRequests.Work.Download));
    }

    [Fact]
    public async Task AQueuedExport_HoldsOnlyItsRequest_AndIsPlannedWhenItRuns()
    {
        var engine = recorder.Get<RecordingEngine>();
        var exports = recorder.Get<Exports>();
        var stream = new StreamKey(RecordedCamera.CameraId, StreamKind.Main);
        await WaitForAsync(async () => (await engine.Index.GetRecordingsAsync(stream, TimeProvider.System.GetUtcNow().AddHours(-1), TimeProvider.System.GetUtcNow())).Count > 0, "a recording");
        var now = TimeProvider.System.GetUtcNow();
        var planned = engine.ExcerptPlansMade;

        await exports.Running.WaitAsync(); // another export is being written
        var (job, error) = await exports.StartAsync(stream, "Front Door", now.AddMinutes(-1), now);
        Assert.True(job is not null, error);
        await Task.Delay(500);
        Assert.Equal(planned, engine.ExcerptPlansMade); // waiting: nothing planned, nothing held but the request
        Assert.False(exports.Recent.First(j => j.Id == job.Id).Finished);

        exports.Running.Release();
        await WaitForAsync(() => Task.FromResult(exports.Recent.First(j => j.Id == job.Id).Finished), "the export");
        var done = exports.Recent.First(j => j.Id == job.Id);
        Assert.Null(done.Error);
        Assert.Equal(planned + 1, engine.ExcerptPlansMade);
        Assert.Equal(done.BytesTotal, new FileInfo(Path.Combine(exports.Folder, done.FileName)).Length);
    }

    [Fact]
    public async Task AnUnknownCameraOrBadRange_IsAnsweredBeforeAnyPlaceIsTaken()
    {
        var token = await VideoConnections.SignInAsync(recorder);
        var heavy = recorder.Get<HeavyRequests>();
        var held = Enumerable.Range(901, 3).Select(other => heavy.Enter(App(other), HeavyRequests.Work.Snapshot)).ToList(); // three other apps
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/v1/cameras/nope/snapshot.jpg", token)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync($"{Camera}/snapshot.jpg", token)).StatusCode);
        held.ForEach(s => s.Dispose());
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        using var api = recorder.CreateApiClient();
        using var request = VideoConnections.Get(path, token);
        var response = await api.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>A request as the app with <paramref name="token"/> makes it, to hold a place the way its download would.</summary>
    private async Task<Microsoft.AspNetCore.Http.DefaultHttpContext> AppAsync(string token)
    {
        var valid = Assert.IsType<TokenCheck.Valid>(await recorder.Get<AppTokens>().CheckAsync(token));
        return App(valid.TokenId);
    }

    private static Microsoft.AspNetCore.Http.DefaultHttpContext App(long tokenId) => new Microsoft.AspNetCore.Http.DefaultHttpContext
    {
        User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(AppTokenAuthenticationHandler.TokenIdClaim, tokenId.ToString(CultureInfo.InvariantCulture))], "test")),
    };

    private static async Task<(string Type, string Detail)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("type").GetString()!, body.GetProperty("detail").GetString()!);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"No {what} within 60 s.");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// The most snapshot decoders (ffmpeg children of this process encoding one frame as JPEG) seen at once until
    /// <paramref name="stop"/>, from /proc every couple of milliseconds.
    /// </summary>
    private static int MostSnapshotDecoders(CancellationToken stop)
    {
        var me = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var most = 0;
        while (!stop.IsCancellationRequested)
        {
            var now = 0;
            foreach (var folder in Directory.EnumerateDirectories("/proc"))
            {
                if (!char.IsAsciiDigit(Path.GetFileName(folder)[0]))
                {
                    continue;
                }

                try
                {
                    // stat: pid (comm) state ppid …; the command line tells a snapshot from recording or motion decoding.
                    var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (fields[1] == me && File.ReadAllText(Path.Combine(folder, "cmdline")).Contains("mjpeg", StringComparison.Ordinal))
                    {
                        now++;
                    }
                }
                catch (IOException)
                {
                    // It ended while being read.
                }
            }

            most = Math.Max(most, now);
            Thread.Sleep(2);
        }

        return most;
    }
}
