using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.WebApp;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.WebApp;

/// <summary>
/// The web app's session on the real API listener, as a hostile page or a careless proxy would meet it: the cookie's
/// flags, the page's Content Security Policy, requests that change something or open a socket from another origin, Log
/// Out, a password change, and the login's bad input and limits.
/// </summary>
public class WebSessionTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;
    private HttpClient api = null!;
    private string origin = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        // Cookies by hand, so the test sees exactly what the recorder sets and sends exactly what a browser would.
        var handler = new HttpClientHandler { UseCookies = false, ServerCertificateCustomValidationCallback = (_, certificate, _, _) => IsTheRecorders(certificate) };
        api = new HttpClient(handler) { BaseAddress = recorder.ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        origin = "https://" + recorder.ApiUrl.Authority;
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        await recorder.DisposeAsync();
    }

    private bool IsTheRecorders(System.Security.Cryptography.X509Certificates.X509Certificate? certificate) =>
        certificate is not null && string.Equals(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())),
            recorder.Get<Nightjar.Recorder.Hosting.DeviceCertificate>().Sha256Fingerprint, StringComparison.Ordinal);

    private async Task<HttpResponseMessage> LogInAsync(string password = TestRecorder.AdminPassword, string? from = "self", bool header = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/web/session")
        {
            Content = JsonContent.Create(new WebSessionRequest(AdminAccount.UserName, password)),
        };
        if (from is not null)
        {
            request.Headers.Add("Origin", from == "self" ? origin : from);
        }

        if (header)
        {
            request.Headers.Add(WebSessionCookie.RequestHeader, "1");
        }

        return await api.SendAsync(request);
    }

    private async Task<string> SessionCookieAsync()
    {
        var response = await LogInAsync();
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(WebSessionCookie.Name + "=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string cookie, string? from = "self", bool header = true)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        if (from is not null)
        {
            request.Headers.Add("Origin", from == "self" ? origin : from);
        }

        if (header)
        {
            request.Headers.Add(WebSessionCookie.RequestHeader, "1");
        }

        return await api.SendAsync(request);
    }

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString()!;

    [Fact]
    public async Task LogIn_SetsASecureHttpOnlyStrictHostCookie_ThatReadsTheDevice()
    {
        var response = await LogInAsync();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(WebSessionCookie.Name + "=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", session, StringComparison.Ordinal);
        Assert.Contains("; httponly", session, StringComparison.Ordinal);
        Assert.Contains("; samesite=strict", session, StringComparison.Ordinal);
        Assert.Contains("; path=/", session, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", session, StringComparison.Ordinal);
        var cookie = await SessionCookieAsync();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/device", cookie, from: null, header: false)).StatusCode);
        // The session is listed with the apps, by the kind of browser, and can be revoked there like any app.
        Assert.Contains(await recorder.Get<Recorder.Pairing.AppTokens>().ListAsync(), a => a.ClientName.StartsWith("Web browser", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://evil.example", true)]
    [InlineData("null", true)]
    [InlineData(null, true)]
    [InlineData("self", false)]
    public async Task AChange_ThatDidNotComeFromTheWebAppsOwnPage_IsRefused(string? from, bool header)
    {
        var cookie = await SessionCookieAsync();

        // Log Out is a change: without this host as Origin, or without the web app's header, it is refused and changes nothing.
        var response = await SendAsync(HttpMethod.Delete, "/api/v1/web/session", cookie, from, header);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ProblemTypes.CrossSiteRequest, await ProblemTypeAsync(response));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/device", cookie)).StatusCode);
    }

    [Fact]
    public async Task ALogIn_FromAnotherSite_IsRefused_BeforeThePasswordIsTried()
    {
        var response = await LogInAsync(from: "https://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ProblemTypes.CrossSiteRequest, await ProblemTypeAsync(response));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task ASocket_OpenedFromAnotherSitesPage_IsRefused_AndFromTheWebAppsOwn_Opens()
    {
        var cookie = await SessionCookieAsync();
        async Task<WebSocketState> OpenAsync(string from)
        {
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Cookie", cookie);
            socket.Options.SetRequestHeader("Origin", from);
            socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => IsTheRecorders(certificate);
            socket.Options.CollectHttpResponseDetails = true;
            var address = new UriBuilder(recorder.ApiUrl) { Scheme = "wss", Path = "/api/v1/events/live" }.Uri;
            try
            {
                await socket.ConnectAsync(address, CancellationToken.None);
                return socket.State;
            }
            catch (WebSocketException)
            {
                Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
                return WebSocketState.Closed;
            }
        }

        Assert.Equal(WebSocketState.Closed, await OpenAsync("https://evil.example"));
        Assert.Equal(WebSocketState.Open, await OpenAsync(origin));
    }

    [Fact]
    public async Task LogOut_EndsTheSession_AndClearsTheCookie()
    {
        var cookie = await SessionCookieAsync();

        var response = await SendAsync(HttpMethod.Delete, "/api/v1/web/session", cookie);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(WebSessionCookie.Name + "=;", StringComparison.Ordinal));
        var after = await SendAsync(HttpMethod.Get, "/api/v1/device", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(ProblemTypes.InvalidToken, await ProblemTypeAsync(after));
    }

    [Fact]
    public async Task APasswordChange_EndsEveryWebSession_SayingPasswordChanged()
    {
        var cookie = await SessionCookieAsync();

        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync("amber-lantern-7305", "test"));

        var after = await SendAsync(HttpMethod.Get, "/api/v1/device", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(ProblemTypes.CredentialsChanged, await ProblemTypeAsync(after));
    }

    [Fact]
    public async Task ThePage_IsServedAtTheRoot_WithAPolicyThatRunsNoInlineScriptAndIsNeverFramed()
    {
        var page = await api.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/app/app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/live.js")).StatusCode);
        // The console's own pages and scripts stay on the console listener.
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/console.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/login")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/setup")).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"userName\":\"admin\"}")]
    [InlineData("{\"userName\":\"admin\",\"password\":12}")]
    [InlineData("{\"userName\":\"admin\",\"password\":\"\"}")]
    [InlineData("{\"userName\":\"admin\",\"password\":\"" + "x" + "\"")]
    public async Task ALogIn_WithMalformedInput_GetsAClear400(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/web/session") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", origin);
        request.Headers.Add(WebSessionCookie.RequestHeader, "1");

        var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnOversizedPassword_GetsA400_AndWrongPasswords_MeetTheApisLimit()
    {
        var response = await LogInAsync(new string('x', AdminAccount.MaxInputLength + 1));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add((await LogInAsync("wrong-password-" + i)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.Unauthorized, answers);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
    }

    [Fact]
    public async Task AForgedOrOversizedCookie_IsJustNotSignedIn()
    {
        foreach (var value in new[] { "forged", new string('a', 5000), "%00%0d%0a", "\"\"" })
        {
            var response = await SendAsync(HttpMethod.Get, "/api/v1/device", WebSessionCookie.Name + "=" + value);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }
}
