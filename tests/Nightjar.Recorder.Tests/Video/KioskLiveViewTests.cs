using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Configuration;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Video;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>
/// Live video while the console is locked is for the box's own screen only: the browser its launcher admitted with the
/// kiosk secret, not any program on the box that can reach the loopback console; and turning the setting off ends it.
/// </summary>
public sealed class KioskLiveViewTests : IAsyncLifetime
{
    private FakeCamera? camera;

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xUnit 2 never calls the latter on a test class.
    public async Task DisposeAsync()
    {
        if (camera is not null)
        {
            await camera.DisposeAsync();
        }
    }

    private async Task<TestRecorder> StartRecorderAsync()
    {
        camera = await FakeCamera.StartAsync(gop: 25);
        var recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Yard", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}");
        await recorder.CompleteSetupAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (recorder.Get<RecordingEngine>().Status(new StreamKey("cfg0", StreamKind.Sub))?.State != StreamState.Recording)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The camera did not start recording.");
            await Task.Delay(50);
        }

        return recorder;
    }

    /// <summary>
    /// The binary messages (video) a socket got within <paramref name="within"/>, and how it was closed (null: still
    /// open, and then aborted by the timed-out receive, so this is the socket's last use).
    /// </summary>
    private static async Task<(int Binary, WebSocketCloseStatus? Closed)> WatchAsync(WebSocket socket, TimeSpan within)
    {
        var binary = 0;
        var until = TimeProvider.System.GetUtcNow() + within;
        try
        {
            while (until - TimeProvider.System.GetUtcNow() is { Ticks: > 0 } left)
            {
                var (type, _) = await VideoConnections.ReceiveAsync(socket, left);
                if (type == WebSocketMessageType.Close)
                {
                    return (binary, socket.CloseStatus);
                }

                binary += type == WebSocketMessageType.Binary ? 1 : 0;
            }
        }
        catch (OperationCanceledException)
        {
        }

        return (binary, null);
    }

    [Fact]
    public async Task APlainWebSocketWithoutTheKioskCookie_GetsNoVideo_ButTheKiosksBrowserDoes()
    {
        await using var recorder = await StartRecorderAsync(); // LiveViewWhileLocked is on by default

        foreach (var stream in new[] { "sub", "main" })
        {
            HttpStatusCode refused = 0;
            await Assert.ThrowsAsync<WebSocketException>(() =>
                VideoConnections.OpenConsoleLiveAsync(recorder, $"/console/media/live/cfg0?stream={stream}", refusedWith: s => refused = s));
            Assert.Equal(HttpStatusCode.Unauthorized, refused);
        }

        var (status, kiosk) = await KioskLauncher.PostSecretAsync(recorder);
        Assert.Equal(HttpStatusCode.OK, status);
        using var screen = await VideoConnections.OpenConsoleLiveAsync(recorder, "/console/media/live/cfg0?stream=sub", kiosk);
        var (binary, closed) = await WatchAsync(screen, TimeSpan.FromSeconds(2));
        Assert.Null(closed);
        Assert.True(binary > 0, "the kiosk's browser got no video");
    }

    [Fact]
    public async Task TheLockedPage_WithoutTheKioskCookie_NamesNoCameraIdAndOffersNoVideo()
    {
        await using var recorder = await StartRecorderAsync();
        using var anyone = recorder.CreateConsoleClient();
        var page = await anyone.GetStringAsync("/");
        Assert.Contains("Yard", page, StringComparison.Ordinal); // the tile is there, named
        Assert.Contains("Log in to watch", page, StringComparison.Ordinal);
        Assert.DoesNotContain("cfg0", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-live-src", page, StringComparison.Ordinal);

        var (_, kiosk) = await KioskLauncher.PostSecretAsync(recorder);
        using var screen = new HttpClient(new HttpClientHandler { CookieContainer = kiosk }) { BaseAddress = recorder.ConsoleUrl };
        Assert.Contains("data-live-src=\"/console/media/live/cfg0?stream=sub\"", await screen.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TurningLiveViewWhileLockedOff_EndsTheLockedScreensStreamsAtOnce_ButNotALoggedInOne()
    {
        await using var recorder = await StartRecorderAsync();
        // The owner's settings file, read again when it changes, as /opt/nightjar/appsettings.json is.
        var settings = Path.Combine(recorder.DataDir, "owner-settings.json");
        await File.WriteAllTextAsync(settings, """{ "Nightjar": { "Console": { "LiveViewWhileLocked": true } } }""");
        ((IConfigurationBuilder)recorder.Get<IConfiguration>()).AddJsonFile(settings, optional: false, reloadOnChange: true);

        var (_, kiosk) = await KioskLauncher.PostSecretAsync(recorder);
        using var locked = await VideoConnections.OpenConsoleLiveAsync(recorder, "/console/media/live/cfg0?stream=sub", kiosk);
        var (console, session) = await VideoConnections.LogInToConsoleAsync(recorder);
        using var _ = console;
        using var loggedIn = await VideoConnections.OpenConsoleLiveAsync(recorder, "/console/media/live/cfg0?stream=sub", session);
        while ((await VideoConnections.ReceiveAsync(locked)).Type != WebSocketMessageType.Binary)
        {
            // the init message, then video
        }

        await File.WriteAllTextAsync(settings, """{ "Nightjar": { "Console": { "LiveViewWhileLocked": false } } }""");

        var (_, closed) = await WatchAsync(locked, TimeSpan.FromSeconds(10));
        Assert.Equal((WebSocketCloseStatus)VideoSockets.LockedCloseStatus, closed);
        Assert.Equal("Live video now needs a login.", locked.CloseStatusDescription);
        var (binary, stillOpen) = await WatchAsync(loggedIn, TimeSpan.FromSeconds(2));
        Assert.Null(stillOpen);
        Assert.True(binary > 0, "the logged-in console's stream stopped too");
        HttpStatusCode refused = 0;
        await Assert.ThrowsAsync<WebSocketException>(() =>
            VideoConnections.OpenConsoleLiveAsync(recorder, "/console/media/live/cfg0?stream=sub", kiosk, s => refused = s));
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
    }

    [Fact]
    public async Task TheKioskSecret_IsTheRecordersAlone_AndAWrongOneIsRefusedAndAudited_WithoutTheValue()
    {
        await using var recorder = await StartRecorderAsync();
        var path = KioskLauncher.SecretPath(recorder);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var secret = await File.ReadAllTextAsync(path);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);

        var wrong = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');
        var (status, cookies) = await KioskLauncher.PostSecretAsync(recorder, wrong);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.DoesNotContain(cookies.GetCookies(recorder.ConsoleUrl), c => c.Name == "nightjar.kiosk" && c.Value.Length > 0);
        var entries = await recorder.Get<AuditLog>().ReadRecentAsync(20);
        var refusal = Assert.Single(entries, e => e.Event == nameof(AuditEvent.KioskSecretRefused));
        Assert.DoesNotContain(wrong, refusal.Detail, StringComparison.Ordinal);

        // The cookie the right secret earns is HttpOnly and is not the secret (it is an HMAC of it).
        var (admitted, kiosk) = await KioskLauncher.PostSecretAsync(recorder);
        Assert.Equal(HttpStatusCode.OK, admitted);
        var cookie = Assert.Single(kiosk.GetCookies(recorder.ConsoleUrl), c => c.Name == "nightjar.kiosk");
        Assert.True(cookie.HttpOnly);
        Assert.NotEqual(secret, cookie.Value);
        Assert.DoesNotContain(await recorder.Get<AuditLog>().ReadRecentAsync(20), e => e.Detail.Contains(secret, StringComparison.Ordinal));
    }
}
