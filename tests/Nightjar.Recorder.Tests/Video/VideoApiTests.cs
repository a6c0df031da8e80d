using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>The companion app's camera routes over TLS against a recorder recording the fake camera over real RTSP.</summary>
public sealed class VideoApiTests(RecordingCameraFixture fixture) : IClassFixture<RecordingCameraFixture>
{
    private const string Cameras = "/api/v1/cameras";
    private static readonly string Camera = $"{Cameras}/{RecordingCameraFixture.CameraId}";

    private TestRecorder Recorder => fixture.Recorder;

    private async Task<HttpResponseMessage> GetAsync(string path, string? token = "", Action<HttpRequestMessage>? change = null)
    {
        using var api = Recorder.CreateApiClient();
        using var request = VideoConnections.Get(path, token == "" ? fixture.Token : token);
        change?.Invoke(request);
        return await api.SendAsync(request);
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));

    private static string Range(DateTimeOffset from, DateTimeOffset to) => $"from={Iso(from)}&to={Iso(to)}";

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString()!;
    }

    private static async Task<string> SaveAsync(byte[] bytes, string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nightjar-{name}-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    [Fact]
    public async Task Cameras_ListsEachCamera_WithItsStateCodecAndSize()
    {
        var cameras = (await (await GetAsync(Cameras)).Content.ReadFromJsonAsync<List<CameraInfo>>())!;

        var camera = Assert.Single(cameras);
        Assert.Equal(("cfg0", "Front Door", "Recording"), (camera.Id, camera.Name, camera.State));
        Assert.StartsWith("H.264", camera.Codec, StringComparison.Ordinal);
        Assert.Equal((640, 360, true), (camera.Width, camera.Height, camera.HasSubStream));
    }

    [Theory]
    [InlineData("main", 640, 360)]
    [InlineData("sub", 320, 180)]
    public async Task Live_GivesAnInitSegment_ThenFragmentsFromAKeyframe_ThatFfprobeReads(string stream, int width, int height)
    {
        using var socket = await VideoConnections.OpenApiLiveAsync(Recorder, $"{Camera}/live?stream={stream}", fixture.Token);
        var (firstType, first) = await VideoConnections.ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Binary, firstType);
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(first, 4, 4));

        var rest = await VideoConnections.RecordLiveAsync(socket, TimeSpan.FromSeconds(3));
        var path = await SaveAsync([.. first, .. rest], "live");
        try
        {
            var probe = await Ffprobe.ProbeAsync(path);
            Assert.Equal("", probe.Errors);
            var video = Assert.Single(probe.Streams);
            Assert.Equal(("h264", width, height), (video.CodecName, video.Width, video.Height));
            Assert.True(probe.VideoPackets[0].IsKeyframe, "The stream starts at a keyframe.");
            Assert.InRange(video.Frames, 50, 200); // three seconds and the frames since the last keyframe, at 25 fps
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task TenViewersAtOnce_EachGetTheStreamFromAKeyframe()
    {
        var viewers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var socket = await VideoConnections.OpenApiLiveAsync(Recorder, $"{Camera}/live", fixture.Token);
            var bytes = await VideoConnections.RecordLiveAsync(socket, TimeSpan.FromSeconds(2));
            var path = await SaveAsync(bytes, "viewer");
            try
            {
                return await Ffprobe.ProbeAsync(path);
            }
            finally
            {
                File.Delete(path);
            }
        }));

        Assert.All(viewers, probe =>
        {
            Assert.Equal("", probe.Errors);
            Assert.True(probe.VideoPackets[0].IsKeyframe);
            Assert.True(probe.Streams[0].Frames >= 25, $"{probe.Streams[0].Frames} frames in 2 s");
        });
    }

    [Fact]
    public async Task Recordings_ListTheRecordedSpans_InUtc()
    {
        var now = TimeProvider.System.GetUtcNow();
        var response = await GetAsync($"{Camera}/recordings?{Range(now.AddHours(-1), now)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<RecordingsResponse>())!;
        var span = Assert.Single(body.Spans); // one unbroken recording since the recorder started
        Assert.InRange(span.End, now.AddSeconds(-3), now.AddSeconds(1));
        Assert.True(span.End - span.Start >= TimeSpan.FromSeconds(14));
        Assert.Equal(TimeSpan.Zero, span.Start.Offset);
        Assert.Contains("\"start\":\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Video_IsOneMp4OfTheRange_StartingAtMostOneKeyframeEarly_AndItsPicturesAreFromThen()
    {
        var now = TimeProvider.System.GetUtcNow();
        var (from, to) = (now.AddSeconds(-9), now.AddSeconds(-3));
        var response = await GetAsync($"{Camera}/video.mp4?{Range(from, to)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        var start = DateTimeOffset.Parse(response.Headers.GetValues("X-Nightjar-Start").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(start, from.AddSeconds(-1.05), from); // the keyframe at or before from; one a second
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var path = await SaveAsync(bytes, "video");
        try
        {
            var probe = await Ffprobe.ProbeAsync(path);
            Assert.Equal("", probe.Errors);
            Assert.InRange(await Ffprobe.DurationAsync(path), (to - from).TotalSeconds - 0.1, (to - start).TotalSeconds + 0.1);
            Assert.True(probe.VideoPackets[0].IsKeyframe);

            // The first picture is the camera's at the excerpt's start (the wall time it drew into it).
            var drawn = TimeCode.Read(await Ffprobe.GrayPictureAsync(bytes), 640);
            Assert.InRange((drawn - start).TotalMilliseconds, -300, 300);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Video_AcrossAFileBoundary_HasEveryFrame_WithNoHoleInItsTimes()
    {
        var now = TimeProvider.System.GetUtcNow();
        var bytes = await (await GetAsync($"{Camera}/video.mp4?{Range(now.AddSeconds(-15), now.AddSeconds(-2))}")).Content.ReadAsByteArrayAsync();
        var path = await SaveAsync(bytes, "boundary");
        try
        {
            var probe = await Ffprobe.ProbeAsync(path);
            Assert.Equal("", probe.Errors);
            var steps = probe.VideoPackets.Zip(probe.VideoPackets.Skip(1), (a, b) => b.DtsTime - a.DtsTime).ToList();
            Assert.True(steps.Count >= 12 * 25, $"{steps.Count + 1} frames");
            Assert.All(steps, step => Assert.InRange(step, 0.02, 0.08)); // 40 ms apart at 25 fps, file boundary or not
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Video_HonoursRangeRequests()
    {
        var now = TimeProvider.System.GetUtcNow();
        var path = $"{Camera}/video.mp4?{Range(now.AddSeconds(-12), now.AddSeconds(-4))}";
        var whole = await (await GetAsync(path)).Content.ReadAsByteArrayAsync();

        var head = await GetAsync(path, change: r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 99));
        Assert.Equal(HttpStatusCode.PartialContent, head.StatusCode);
        Assert.Equal($"bytes 0-99/{whole.Length}", head.Content.Headers.ContentRange!.ToString());
        var middle = await GetAsync(path, change: r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, whole.Length - 1001));
        var tail = await GetAsync(path, change: r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(null, 1000));

        byte[] joined = [.. await head.Content.ReadAsByteArrayAsync(), .. await middle.Content.ReadAsByteArrayAsync(), .. await tail.Content.ReadAsByteArrayAsync()];
        Assert.Equal(whole, joined);
        var beyond = await GetAsync(path, change: r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(whole.Length + 10, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
    }

    [Fact]
    public async Task Snapshot_IsAJpeg_OfThePictureOfNow()
    {
        var asked = TimeProvider.System.GetUtcNow();
        var response = await GetAsync($"{Camera}/snapshot.jpg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var jpeg = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xFF, 0xD8], jpeg[..2]);
        var drawn = TimeCode.Read(await Ffprobe.GrayPictureAsync(jpeg), 640);
        Assert.InRange((asked - drawn).TotalSeconds, -0.5, 1.5); // the latest keyframe: at most a second old
    }

    public static TheoryData<string> RoutesOfTheCamera() => new()
    {
        "/recordings?from=2026-12-01T10:00:00Z&to=2026-12-01T11:00:00Z",
        "/video.mp4?from=2026-12-01T10:00:00Z&to=2026-12-01T10:01:00Z",
        "/snapshot.jpg",
        "/live",
    };

    [Theory]
    [MemberData(nameof(RoutesOfTheCamera))]
    public async Task NoRoute_AnswersWithoutAValidToken(string route)
    {
        foreach (var token in new string?[] { null, "forged-token", fixture.Token + "x" })
        {
            var response = await GetAsync(Camera + route, token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(ProblemTypes.InvalidToken, await ProblemTypeAsync(response));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Cameras, token: null)).StatusCode);
        HttpStatusCode refused = 0;
        await Assert.ThrowsAsync<WebSocketException>(() => VideoConnections.OpenApiLiveAsync(Recorder, $"{Camera}/live", "forged", s => refused = s));
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
    }

    [Theory]
    [MemberData(nameof(RoutesOfTheCamera))]
    public async Task AnUnknownCamera_Is404(string route)
    {
        foreach (var id in new[] { "cfg9", "nope", "%2e%2e%2fcfg0", "cfg0%20", "CFG0", new string('x', 5000) })
        {
            var response = await GetAsync($"{Cameras}/{id}{route}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // A NUL in the path is refused by the server before any route sees it.
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync($"{Cameras}/cfg0%00{route}")).StatusCode);
    }

    public static TheoryData<string, string> BadRanges() => new()
    {
        { "", "from must be" },
        { "from=2026-12-01T10:00:00Z", "to must be" },
        { "from=yesterday&to=today", "from must be an ISO 8601 time" },
        { "from=2026-12-01T10:00:00&to=2026-12-01T11:00:00", "with its offset" },
        { "from=2026-12-01&to=2026-12-02", "with its offset" },
        { "from=2026-12-01T11:00:00Z&to=2026-12-01T10:00:00Z", "to must be after from" },
        { "from=2026-12-01T10:00:00Z&to=2026-12-01T10:00:00Z", "to must be after from" },
        { "from=2026-13-01T10:00:00Z&to=2026-12-01T11:00:00Z", "from must be" },
        { "from=1900-01-01T00:00:00Z&to=1900-01-01T01:00:00Z", "from must be" },
        { "from=2026-12-01T10:00:00Z&to=2027-12-01T10:00:00Z", "at most" },
        { "from=2026-12-01T10:00:00%2B99:00&to=2026-12-01T11:00:00Z", "from must be" },
        { "from=' OR 1=1 --&to=2026-12-01T11:00:00Z", "from must be" },
        { "from=" + new string('9', 2000) + "&to=2026-12-01T11:00:00Z", "from must be" },
        { "from=2026-12-01T10:00:00Z&from=2026-12-01T09:00:00Z&to=2026-12-01T11:00:00Z", "from must be" },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public async Task BadFromOrTo_Is400_WithAClearMessage(string query, string says)
    {
        foreach (var route in new[] { "recordings", "video.mp4" })
        {
            var response = await GetAsync($"{Camera}/{route}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(ProblemTypes.InvalidRequest, await ProblemTypeAsync(response));
            Assert.Contains(says, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("stream=hd")]
    [InlineData("stream=MAIN")]
    [InlineData("stream=main&stream=sub")]
    [InlineData("stream=%00")]
    public async Task ABadStream_Is400(string query)
    {
        var response = await GetAsync($"{Camera}/live?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("stream must be main or sub", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_AsAPlainRequest_SaysToOpenAWebSocket()
    {
        var response = await GetAsync($"{Camera}/live");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATimeWithNothingRecorded_Is404_NotRecorded()
    {
        var response = await GetAsync($"{Camera}/video.mp4?from=2020-01-01T10:00:00Z&to=2020-01-01T11:00:00Z");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemTypes.NotRecorded, await ProblemTypeAsync(response));
    }

    [Fact]
    public async Task TheConsoleMediaRoutes_AreNotOnTheApiListener_AndTheApiIsNotOnTheConsole()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/console/media/recordings/cfg0/excerpt.mp4?{Range(TimeProvider.System.GetUtcNow().AddSeconds(-5), TimeProvider.System.GetUtcNow())}")).StatusCode);
        using var console = Recorder.CreateConsoleClient();
        using var request = VideoConnections.Get($"{Camera}/snapshot.jpg", fixture.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await console.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task AnExportMadeOnTheConsole_IsListedForTheApp_AndDownloads_WithRanges()
    {
        var exports = Recorder.Get<Nightjar.Recorder.Video.Exports>();
        var now = TimeProvider.System.GetUtcNow();
        var (job, error) = await exports.StartAsync(new Recording.StreamKey(RecordingCameraFixture.CameraId, Recording.StreamKind.Main), "Front Door", now.AddSeconds(-6), now.AddSeconds(-2));
        Assert.True(job is not null, error);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!exports.Recent.First(j => j.Id == job.Id).Finished)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The export did not finish.");
            await Task.Delay(100);
        }

        var list = await (await GetAsync("/api/v1/exports")).Content.ReadFromJsonAsync<List<ExportInfo>>();
        var listed = Assert.Single(list!, e => e.Name == job.FileName);
        var file = await GetAsync($"/api/v1/exports/{Uri.EscapeDataString(listed.Name)}");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal(listed.Bytes, bytes.Length);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(exports.Folder, job.FileName)), bytes);

        var part = await GetAsync($"/api/v1/exports/{Uri.EscapeDataString(listed.Name)}", change: r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[100..200], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/api/v1/exports", token: null)).StatusCode);
    }

    [Theory]
    [InlineData("nothing-here.mp4")]
    [InlineData("..%2Fnightjar.db")]
    [InlineData("%2E%2E")]
    [InlineData("..%5C..%5Cetc%5Cpasswd")]
    [InlineData("x.mp4.partial")]
    [InlineData("%00.mp4")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.mp4")]
    public async Task AnExportNameThatIsNotAnExport_IsRefused_AndReadsNothingElse(string name)
    {
        var response = await GetAsync($"/api/v1/exports/{name}");
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{name}: {response.StatusCode}"); // a NUL never reaches the route
        Assert.NotEqual("video/mp4", response.Content.Headers.ContentType?.MediaType);
    }
}
