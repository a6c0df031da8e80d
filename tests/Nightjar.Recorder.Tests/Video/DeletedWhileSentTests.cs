using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recording;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>
/// Recordings deleted while they are being sent (the owner's Delete Recordings, or retention at the disk's floor) end
/// the answer cleanly: before its headers, a 410 problem in words; after them, the connection is closed early, the
/// log says why, and no exception escapes to the server. Nothing is left behind: no file, no lease.
/// </summary>
public sealed class DeletedWhileSentTests : IAsyncLifetime
{
    private FakeCamera camera = null!;
    private TestRecorder recorder = null!;
    private string cameraId = null!;
    private string token = null!;
    private readonly List<string> escaped = [];
    private Unsubscriber? watching;

    public async Task InitializeAsync()
    {
        watching = WatchUnhandledExceptions();
        camera = await FakeCamera.StartAsync(gop: 25, mainKbps: 6000); // a download far longer than the sockets between hold
        recorder = await TestRecorder.StartAsync("--Nightjar:Recordings:FileSeconds=10");
        await recorder.CompleteSetupAsync();
        token = await VideoConnections.SignInAsync(recorder);
        var saved = await recorder.Get<CameraCatalog>().SaveAsync(null,
            new CameraForm("Yard", camera.Url("main").ToString(), "", "", "") { Motion = Recording.Motion.MotionSettings.Off });
        cameraId = saved.Saved!.Id;
        var engine = recorder.Get<RecordingEngine>();
        var waited = Stopwatch.StartNew();
        while ((await FilesAsync()).Count(r => !r.Open) < 2)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "Two files were not recorded within 90 s.");
            await Task.Delay(500);
        }
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        await camera.DisposeAsync();
        watching?.Dispose();
    }

    [Fact]
    public async Task RecordingsDeletedAfterTheirPlan_BeforeTheirBytes_Are410InWords_Not500()
    {
        var files = (await FilesAsync()).Where(r => !r.Open).ToList();
        var video = $"/api/v1/cameras/{cameraId}/video.mp4?from={Iso(files[0].Start)}&to={Iso(files[^1].End)}";
        var first = await GetAsync(video, new RangeHeaderValue(0, 99)); // a player's first Range request: the plan is kept
        Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);

        // Remove → Delete Recordings: the camera stops recording, then its recordings go (the plan is still kept).
        await recorder.Get<CameraCatalog>().RemoveAsync(cameraId, deleteRecordings: false);
        await recorder.Get<RecordingEngine>().DeleteRecordingsAsync(cameraId);
        var next = await GetAsync(video, new RangeHeaderValue(5000, null));

        Assert.Equal(HttpStatusCode.Gone, next.StatusCode);
        Assert.Equal("application/problem+json", next.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await next.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ProblemTypes.RecordingsDeleted, problem.GetProperty("type").GetString());
        Assert.Equal(Recording.Playback.RecordingsDeletedException.BeforeRead, problem.GetProperty("detail").GetString());
        Assert.True(escaped.Count == 0, string.Join("; ", escaped));
    }

    [Fact]
    public async Task DeleteRecordings_DuringADownload_EndsIt_AndLeavesNoFileOrLease()
    {
        var files = (await FilesAsync()).Where(r => !r.Open).ToList();
        var video = $"/api/v1/cameras/{cameraId}/video.mp4?from={Iso(files[0].Start)}&to={Iso(TimeProvider.System.GetUtcNow())}";
        using var api = recorder.CreateApiClient();
        using var request = VideoConnections.Get(video, token);
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var length = response.Content.Headers.ContentLength!.Value;
        await using var body = await response.Content.ReadAsStreamAsync();
        var got = await ReadAsync(body, 4096); // a slow client: a little, then the owner deletes the camera

        Assert.Null(await recorder.Get<CameraCatalog>().RemoveAsync(cameraId, deleteRecordings: true));
        got += await ReadAsync(body, long.MaxValue);

        Assert.True(got < length, $"All {length} bytes were sent: the download was over before the deletion.");
        Assert.All(files, r => Assert.False(File.Exists(recorder.Get<RecordingEngine>().Layout.FullPath(r.Path)), $"{r.Path} is still there."));
        var waited = Stopwatch.StartNew();
        while (recorder.Get<RecordingEngine>().LeasedFiles > 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "The download's lease was never given back.");
            await Task.Delay(100);
        }

        Assert.True(escaped.Count == 0, string.Join("; ", escaped));
    }

    [Fact]
    public async Task TheDiskFillingDuringASlowDownload_EndsItCleanly_AndItsFilesGoOnceItLetsGo()
    {
        var engine = recorder.Get<RecordingEngine>();
        var files = (await FilesAsync()).Where(r => !r.Open).ToList();
        var video = $"/api/v1/cameras/{cameraId}/video.mp4?from={Iso(files[0].Start)}&to={Iso(files[^1].End)}";
        using var api = recorder.CreateApiClient();
        using var request = VideoConnections.Get(video, token);
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var length = response.Content.Headers.ContentLength!.Value;
        await using var body = await response.Content.ReadAsStreamAsync();
        var got = await ReadAsync(body, 4096); // a slow client, and then the disk fills below its floor

        engine.FreeBytesOf = _ => 0;
        var waited = Stopwatch.StartNew();
        while (files.Any(r => File.Exists(engine.Layout.FullPath(r.Path))))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "Retention did not delete the files being read below the floor.");
            await Task.Delay(100);
        }

        got += await ReadAsync(body, long.MaxValue);

        Assert.True(got < length, $"All {length} bytes were sent: the download was over before the deletion.");
        while (engine.LeasedFiles > 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The download's lease was never given back.");
            await Task.Delay(100);
        }

        Assert.True(escaped.Count == 0, string.Join("; ", escaped));
    }

    private async Task<IReadOnlyList<RecordingSummary>> FilesAsync() =>
        [.. (await recorder.Get<RecordingEngine>().Index.GetAllRecordingsAsync()).Where(r => r.Stream.CameraId == cameraId && r.Stream.Kind == StreamKind.Main)];

    private async Task<HttpResponseMessage> GetAsync(string path, RangeHeaderValue range)
    {
        using var api = recorder.CreateApiClient();
        using var request = VideoConnections.Get(path, token);
        request.Headers.Range = range;
        var response = await api.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Reads up to <paramref name="most"/> bytes, until the body ends or the connection is cut; returns how many.</summary>
    private static async Task<long> ReadAsync(Stream body, long most)
    {
        var buffer = new byte[4096];
        long got = 0;
        try
        {
            while (got < most)
            {
                var n = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, most - got)));
                if (n == 0)
                {
                    break;
                }

                got += n;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // Cut short: the way a download of deleted recordings ends once its headers were sent.
        }

        return got;
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>
    /// Every exception that reaches ASP.NET Core's exception handler or the server from a request for this test's
    /// camera (what the log calls "An unhandled exception"), through the framework's diagnostic events.
    /// </summary>
    private Unsubscriber WatchUnhandledExceptions()
    {
        var subscriptions = new List<IDisposable>();
        subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            if (listener.Name == "Microsoft.AspNetCore")
            {
                lock (subscriptions)
                {
                    subscriptions.Add(listener.Subscribe(new Observer<KeyValuePair<string, object?>>(Seen), name => name.Contains("Exception", StringComparison.Ordinal)));
                }
            }
        })));
        return new Unsubscriber(subscriptions);

        void Seen(KeyValuePair<string, object?> happened)
        {
            var payload = happened.Value;
            var context = payload?.GetType().GetProperty("httpContext")?.GetValue(payload) as Microsoft.AspNetCore.Http.HttpContext;
            var exception = payload?.GetType().GetProperty("exception")?.GetValue(payload) as Exception;
            if (cameraId is not null && context?.Request.Path.Value?.Contains(cameraId, StringComparison.Ordinal) == true)
            {
                lock (escaped)
                {
                    escaped.Add($"{happened.Key}: {exception?.GetType().Name}: {exception?.Message}");
                }
            }
        }
    }

    private sealed class Observer<T>(Action<T> next) : IObserver<T>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(T value) => next(value);
    }

    private sealed class Unsubscriber(List<IDisposable> subscriptions) : IDisposable
    {
        public void Dispose()
        {
            lock (subscriptions)
            {
                subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
