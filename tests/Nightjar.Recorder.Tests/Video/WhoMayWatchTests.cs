using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Video;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>
/// Who may watch: an app token of the current credential epoch, an unlocked console, or the locked box's own screen
/// (its kiosk browser) when <c>Nightjar:Console:LiveViewWhileLocked</c> allows it; and a password change ends every open stream at once.
/// </summary>
public sealed class WhoMayWatchTests : IAsyncLifetime
{
    private const string NewPassword = "amber-lantern-7305";
    private FakeCamera? camera;

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xUnit 2 never calls the latter on a test class, which left a camera running per test.
    public async Task DisposeAsync()
    {
        if (camera is not null)
        {
            await camera.DisposeAsync();
        }
    }

    private async Task<TestRecorder> StartRecorderAsync(params string[] more) => await StartRecorderAsync(await FakeCamera.StartAsync(gop: 25), more);

    private async Task<TestRecorder> StartRecorderAsync(FakeCamera camera, params string[] more)
    {
        this.camera = camera;
        var recorder = await TestRecorder.StartAsync(
            ["--Nightjar:Cameras:0:Name=Yard", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}", .. more]);
        await recorder.CompleteSetupAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (recorder.Get<RecordingEngine>().Status(new StreamKey("cfg0", StreamKind.Sub))?.State != StreamState.Recording)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The camera did not start recording.");
            await Task.Delay(50);
        }

        return recorder;
    }

    /// <summary>Reads until the stream closes; its close status, or null when it ran on past <paramref name="within"/>.</summary>
    private static async Task<WebSocketCloseStatus?> ClosedWithinAsync(WebSocket socket, TimeSpan within)
    {
        var until = TimeProvider.System.GetUtcNow() + within;
        try
        {
            while (until - TimeProvider.System.GetUtcNow() is { Ticks: > 0 } left)
            {
                var (type, _) = await VideoConnections.ReceiveAsync(socket, left);
                if (type == WebSocketMessageType.Close)
                {
                    return socket.CloseStatus;
                }
            }

            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>An app signed in and the console logged in, each watching the live stream.</summary>
    private sealed record Watching(string Token, HttpClient Console, WebSocket App, WebSocket Screen) : IDisposable
    {
        public void Dispose()
        {
            App.Dispose();
            Screen.Dispose();
            Console.Dispose();
        }
    }

    /// <summary>An app signed in and the console logged in, each with the live stream open and its first message read.</summary>
    private static async Task<Watching> AppAndScreenWatchingAsync(TestRecorder recorder)
    {
        var token = await VideoConnections.SignInAsync(recorder);
        var (console, cookies) = await VideoConnections.LogInToConsoleAsync(recorder);
        var app = await VideoConnections.OpenApiLiveAsync(recorder, "/api/v1/cameras/cfg0/live", token);
        var screen = await VideoConnections.OpenConsoleLiveAsync(recorder, "/console/media/live/cfg0?stream=sub", cookies);
        await VideoConnections.ReceiveAsync(app);
        await VideoConnections.ReceiveAsync(screen);
        return new Watching(token, console, app, screen);
    }

    [Fact]
    public async Task APasswordChange_ClosesEveryOpenStreamAtOnce_AndTheOldTokenIsRefused()
    {
        await using var recorder = await StartRecorderAsync();
        using var watching = await AppAndScreenWatchingAsync(recorder);
        var (token, console, app, screen) = watching;
        Assert.Equal(2, recorder.Get<OpenStreams>().Count);

        var changed = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync(NewPassword, "test"));

        Assert.Equal((WebSocketCloseStatus)4001, await ClosedWithinAsync(app, TimeSpan.FromSeconds(5)));
        Assert.Equal((WebSocketCloseStatus)4001, await ClosedWithinAsync(screen, TimeSpan.FromSeconds(5)));
        Assert.True(changed.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal("The password changed.", app.CloseStatusDescription);

        // The old token opens nothing again, and says why.
        using var api = recorder.CreateApiClient();
        using var request = VideoConnections.Get("/api/v1/cameras", token);
        var stale = await api.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(ProblemTypes.CredentialsChanged, JsonDocument.Parse(await stale.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
        HttpStatusCode refused = 0;
        await Assert.ThrowsAsync<WebSocketException>(() => VideoConnections.OpenApiLiveAsync(recorder, "/api/v1/cameras/cfg0/live", token, s => refused = s));
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        // The console session ended with it: the recordings need a new login.
        var excerpt = await console.GetAsync($"/console/media/recordings/cfg0/excerpt.mp4?from={Uri.EscapeDataString(TimeProvider.System.GetUtcNow().AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(TimeProvider.System.GetUtcNow().ToString("O"))}");
        Assert.Equal(HttpStatusCode.Unauthorized, excerpt.StatusCode);

        // A token from after the change watches again.
        using var again = await VideoConnections.OpenApiLiveAsync(recorder, "/api/v1/cameras/cfg0/live", await VideoConnections.SignInAsync(recorder, NewPassword));
        Assert.Equal(WebSocketMessageType.Binary, (await VideoConnections.ReceiveAsync(again)).Type);
    }

    [Fact]
    public async Task RevokingAnApp_ClosesItsLiveAndEventSockets_AndOnlyIts()
    {
        await using var recorder = await StartRecorderAsync();
        var revoked = await VideoConnections.SignInAsync(recorder);
        var kept = await VideoConnections.SignInAsync(recorder);
        using var live = await VideoConnections.OpenApiLiveAsync(recorder, "/api/v1/cameras/cfg0/live", revoked);
        using var events = await VideoConnections.OpenApiLiveAsync(recorder, "/api/v1/events/live", revoked);
        using var other = await VideoConnections.OpenApiLiveAsync(recorder, "/api/v1/cameras/cfg0/live", kept);
        await VideoConnections.ReceiveAsync(live);
        await VideoConnections.ReceiveAsync(other);

        // Settings → Mobile App's Revoke, as the owner does it.
        var tokens = recorder.Get<Recorder.Pairing.AppTokens>();
        var id = (await tokens.ListAsync()).OrderBy(a => a.Id).First().Id;
        await tokens.RevokeAsync(id);

        Assert.Equal((WebSocketCloseStatus)VideoSockets.RevokedCloseStatus, await ClosedWithinAsync(live, TimeSpan.FromSeconds(5)));
        Assert.Equal((WebSocketCloseStatus)VideoSockets.RevokedCloseStatus, await ClosedWithinAsync(events, TimeSpan.FromSeconds(5)));
        // The other app's stream goes on: two seconds more of it, and no close.
        var until = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(2);
        while (TimeProvider.System.GetUtcNow() < until)
        {
            Assert.Equal(WebSocketMessageType.Binary, (await VideoConnections.ReceiveAsync(other)).Type);
        }
    }

    /// <summary>An API client with a 4 KiB receive buffer: what it has not read yet stays on the recorder's side.</summary>
    private static HttpClient SlowReader(TestRecorder recorder)
    {
        var fingerprint = recorder.Get<Nightjar.Recorder.Hosting.DeviceCertificate>().Sha256Fingerprint;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null
                    && string.Equals(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())), fingerprint, StringComparison.Ordinal),
            },
        };
        return new HttpClient(handler) { BaseAddress = recorder.ApiUrl };
    }

    [Fact]
    public async Task ADownloadUnderWay_IsCutOff_WhenThePasswordChanges()
    {
        // Every frame a keyframe at the encoder's highest rate, about 1 MB a second: ten seconds of it is more than the
        // network buffers between the recorder and the app can hold (on loopback the kernel grows a send buffer to 4 MB).
        await using var recorder = await StartRecorderAsync(await FakeCamera.StartAsync(gop: 1, mainKbps: 24000));
        await Task.Delay(10_000);
        var token = await VideoConnections.SignInAsync(recorder);
        using var api = SlowReader(recorder);
        var now = TimeProvider.System.GetUtcNow();
        using var request = VideoConnections.Get(
            $"/api/v1/cameras/cfg0/video.mp4?from={Uri.EscapeDataString(now.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(now.ToString("O"))}", token);
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.ReadExactlyAsync(new byte[100]);
        Assert.Equal(1, recorder.Get<OpenStreams>().Count);

        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync(NewPassword, "test"));

        // Whatever was already in flight arrives; then the connection is gone, short of the length it announced.
        var rest = new MemoryStream();
        var cut = await Record.ExceptionAsync(() => body.CopyToAsync(rest));
        Assert.True(cut is HttpIOException or IOException, $"the download ran to its end ({rest.Length + 100} of {response.Content.Headers.ContentLength} bytes)");
    }

    [Fact]
    public async Task ARecordingPlayingOnTheConsole_IsCutOff_WhenTheConsoleLocks()
    {
        // As the download above: more than the buffers between the recorder and the reader can hold.
        await using var recorder = await StartRecorderAsync(await FakeCamera.StartAsync(gop: 1, mainKbps: 24000));
        await Task.Delay(10_000);
        var (console, _) = await VideoConnections.LogInToConsoleAsync(recorder);
        using var _console = console;
        var now = TimeProvider.System.GetUtcNow();
        using var response = await console.GetAsync(
            $"/console/media/recordings/cfg0/excerpt.mp4?from={Uri.EscapeDataString(now.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(now.ToString("O"))}",
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.ReadExactlyAsync(new byte[100]);
        Assert.Equal(1, recorder.Get<OpenStreams>().Count);

        recorder.Get<ConsoleLock>().LockEverySession();

        // Whatever was already in flight arrives; then the connection is gone, short of the length it announced.
        var rest = new MemoryStream();
        var cut = await Record.ExceptionAsync(() => body.CopyToAsync(rest));
        Assert.True(cut is HttpIOException or IOException, $"the playback ran to its end after Lock ({rest.Length + 100} of {response.Content.Headers.ContentLength} bytes)");
    }

    [Fact]
    public async Task WhileLocked_TheBoxsScreenShowsLiveVideo_ButNotRecordings()
    {
        await using var recorder = await StartRecorderAsync(); // LiveViewWhileLocked is on by default
        var (_, kiosk) = await KioskLauncher.PostSecretAsync(recorder); // the box's own screen (KioskLiveViewTests)
        using var screen = await VideoConnections.OpenConsoleLiveAsync(recorder, "/console/media/live/cfg0", kiosk);
        var (type, text) = await VideoConnections.ReceiveAsync(screen);
        Assert.Equal(WebSocketMessageType.Text, type); // the console's stream describes each init segment
        Assert.Contains("\"codecs\":\"avc1.", System.Text.Encoding.UTF8.GetString(text), StringComparison.Ordinal);

        using var console = recorder.CreateConsoleClient();
        var now = TimeProvider.System.GetUtcNow();
        var excerpt = await console.GetAsync($"/console/media/recordings/cfg0/excerpt.mp4?from={Uri.EscapeDataString(now.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(now.ToString("O"))}");
        Assert.Equal(HttpStatusCode.Unauthorized, excerpt.StatusCode);
    }

    [Fact]
    public async Task WithLiveViewWhileLockedOff_TheScreenNeedsALogin_ForLiveVideoToo()
    {
        await using var recorder = await StartRecorderAsync("--Nightjar:Console:LiveViewWhileLocked=false");
        HttpStatusCode refused = 0;
        await Assert.ThrowsAsync<WebSocketException>(() => VideoConnections.OpenConsoleLiveAsync(recorder, "/console/media/live/cfg0", refusedWith: s => refused = s));
        Assert.Equal(HttpStatusCode.Unauthorized, refused);

        var (console, cookies) = await VideoConnections.LogInToConsoleAsync(recorder);
        using var _ = console;
        using var screen = await VideoConnections.OpenConsoleLiveAsync(recorder, "/console/media/live/cfg0", cookies);
        Assert.Equal(WebSocketMessageType.Text, (await VideoConnections.ReceiveAsync(screen)).Type);
        await Task.Delay(2000); // a second or two of recording in the index
        var now = TimeProvider.System.GetUtcNow();
        var excerpt = await console.GetAsync($"/console/media/recordings/cfg0/excerpt.mp4?from={Uri.EscapeDataString(now.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(now.ToString("O"))}");
        Assert.Equal(HttpStatusCode.OK, excerpt.StatusCode);
    }

    [Fact]
    public async Task WithLiveViewWhileLockedOff_LockClosesTheScreensLiveVideo_ButNotTheApps()
    {
        await using var recorder = await StartRecorderAsync("--Nightjar:Console:LiveViewWhileLocked=false");
        using var watching = await AppAndScreenWatchingAsync(recorder);
        var (token, console, app, screen) = watching;

        recorder.Get<ConsoleLock>().LockEverySession();

        Assert.Equal((WebSocketCloseStatus)VideoSockets.LockedCloseStatus, await ClosedWithinAsync(screen, TimeSpan.FromSeconds(5)));
        Assert.Equal("The console was locked.", screen.CloseStatusDescription);
        // The app's stream runs on: fragments keep coming for two more seconds, and no close.
        var watched = System.Diagnostics.Stopwatch.StartNew();
        while (watched.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.Equal(WebSocketMessageType.Binary, (await VideoConnections.ReceiveAsync(app, TimeSpan.FromSeconds(5))).Type);
        }

        Assert.Equal(WebSocketState.Open, app.State);
    }
}
