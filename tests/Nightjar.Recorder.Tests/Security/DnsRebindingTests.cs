using System.Net;
using System.Net.WebSockets;
using Nightjar.Recorder.Recovery;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Security;

/// <summary>
/// A page under a name rebound to 127.0.0.1, or a page of another site, cannot use the console: the listener answers
/// only its own loopback address and port, and refuses foreign origins on every route, the Blazor circuit and the
/// media sockets included.
/// </summary>
public sealed class DnsRebindingTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync("--Nightjar:Cameras:0:Name=Yard", "--Nightjar:Cameras:0:StreamUrl=rtsp://127.0.0.1:9/main");
        await recorder.CompleteSetupAsync();
    }

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    /// <summary>The test's text with <c>{port}</c> standing for the console's port.</summary>
    private string WithPort(string text) =>
        text.Replace("{port}", recorder.ConsoleUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? host = null, string? origin = null)
    {
        using var console = recorder.CreateConsoleClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add(RecoveryEndpoints.ConsoleHeader, "1");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await console.SendAsync(request);
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:{port}")]
    [InlineData("127.0.0.1.attacker.example:{port}")]
    [InlineData("127.0.0.1:1")]
    [InlineData("192.168.1.20:{port}")]
    public async Task AnotherHostName_IsRefused_OnEveryRoute(string host)
    {
        host = WithPort(host);
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/"), (HttpMethod.Get, "/setup"), (HttpMethod.Post, "/console/recovery/requests"), (HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1") })
        {
            var response = await SendAsync(method, path, host: host);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("only at its own address", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("localhost:{port}")]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("LOCALHOST:{port}")]
    public async Task TheConsolesOwnNames_Work(string host)
    {
        host = WithPort(host);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/", host: host)).StatusCode);
    }

    [Theory]
    [InlineData("http://attacker.example")]
    [InlineData("http://127.0.0.1")]
    [InlineData("https://127.0.0.1:{port}")]
    [InlineData("null")]
    public async Task AForeignOrigin_CannotStartACircuit_OrChangeAnything(string origin)
    {
        origin = WithPort(origin);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", origin: origin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/console/recovery/requests", origin: origin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/console/login", origin: origin)).StatusCode);

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        var live = new UriBuilder(recorder.ConsoleUrl) { Scheme = "ws", Path = "/console/media/live/cfg0" }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(live, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task TheConsolesOwnOrigin_StartsACircuit()
    {
        var response = await SendAsync(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", origin: recorder.ConsoleUrl.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
