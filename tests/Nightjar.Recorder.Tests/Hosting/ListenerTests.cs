using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Nightjar.Recorder.Hosting;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Hosting;

public class ListenerTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;

    public async Task InitializeAsync() => recorder = await TestRecorder.StartAsync();

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    [Fact]
    public async Task Healthz_AnswersOnBothListeners_WithTheSameBootId()
    {
        using var console = recorder.CreateConsoleClient();
        using var api = recorder.CreateApiClient();

        var fromConsole = await console.GetFromJsonAsync<HealthReport>("/healthz");
        var fromApi = await api.GetFromJsonAsync<HealthReport>("/healthz");

        Assert.Equal("ok", fromConsole!.Status);
        Assert.Equal("ok", fromApi!.Status);
        Assert.Equal(fromConsole.BootId, fromApi.BootId);
        Assert.Matches("^[0-9a-f]{16}$", fromConsole.BootId);
    }

    [Fact]
    public async Task ApiListener_UsesTheDeviceCertificate_KeptInTheDataFolder()
    {
        using var api = recorder.CreateApiClient(); // trusts only the stored certificate's fingerprint
        var response = await api.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(recorder.DataDir, "tls", "api-certificate.pfx")));
    }

    [Theory]
    [InlineData("/console.js")]
    [InlineData("/playback")]
    [InlineData("/setup")]
    [InlineData("/settings")]
    [InlineData("/console/login")]
    [InlineData("/_framework/blazor.web.js")]
    public async Task ApiListener_DoesNotServeTheConsole(string path)
    {
        using var api = recorder.CreateApiClient();
        var response = await api.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ApiListener_ServesTheWebAppAtItsRoot_NotTheConsolesPage()
    {
        using var api = recorder.CreateApiClient();
        var page = await (await api.GetAsync("/")).Content.ReadAsStringAsync();
        Assert.Contains("/app/app.js", page, StringComparison.Ordinal);
        Assert.DoesNotContain("blazor", page, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/app/app.js")]
    [InlineData("/live.js")]
    [InlineData("/app/app.css")]
    public async Task ApiListener_SendsTheWebAppsFilesCompressed_ToABrowserThatAcceptsGzip(string path)
    {
        using var api = recorder.CreateApiClient(); // decompresses nothing by itself
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        var response = await api.SendAsync(request);
        var sent = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var gzip = new GZipStream(new MemoryStream(sent), CompressionMode.Decompress);
        var file = new MemoryStream();
        await gzip.CopyToAsync(file);
        // Compressed, not only wrapped: a phone's first picture waits for these files.
        Assert.True(sent.Length * 2 < file.Length, $"{path}: {sent.Length} bytes sent for a file of {file.Length}.");
    }

    [Fact]
    public async Task ApiListener_IgnoresForwardedHeadersClaimingLoopback()
    {
        using var api = recorder.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/setup");
        request.Headers.Add("X-Forwarded-For", "127.0.0.1");
        request.Headers.Add("X-Forwarded-Host", recorder.ConsoleUrl.Authority);
        request.Headers.Add("Forwarded", "for=127.0.0.1;host=127.0.0.1");
        request.Headers.Host = recorder.ConsoleUrl.Authority;

        var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ConsoleListener_DoesNotServeTheApi()
    {
        using var console = recorder.CreateConsoleClient();
        Assert.Equal(HttpStatusCode.NotFound, (await console.GetAsync("/api/v1/device")).StatusCode);
    }

    [Fact]
    public async Task ConsoleListener_ServesTheConsoleScripts()
    {
        using var console = recorder.CreateConsoleClient();
        Assert.Equal(HttpStatusCode.OK, (await console.GetAsync("/_framework/blazor.web.js")).StatusCode);
    }

    [Fact]
    public async Task BeforeSetup_EveryScreen_LeadsToTheSetupWizard()
    {
        using var console = recorder.CreateConsoleClient();
        var response = await console.GetAsync("/settings");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/setup", response.Headers.Location!.AbsolutePath);
        var setup = await console.GetStringAsync("/setup");
        Assert.Contains("Admin Password", setup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterSetup_TheWizardSaysItCannotRunAgain()
    {
        await recorder.CompleteSetupAsync();
        using var console = recorder.CreateConsoleClient();

        var page = await console.GetStringAsync("/setup");

        Assert.Contains("Setup cannot run again", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Admin Password", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/does-not-exist")]
    [InlineData("GET", "/settings/%00%0d%0a")]
    [InlineData("GET", "/?login=%0d%0aSet-Cookie:x=1")]
    [InlineData("DELETE", "/")]
    [InlineData("POST", "/healthz")]
    [InlineData("GET", "/healthz?x=" + "aaaaaaaaaa")]
    public async Task OddRequests_NeverAnswer500(string method, string path)
    {
        await recorder.CompleteSetupAsync();
        using var console = recorder.CreateConsoleClient();
        var response = await console.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.True((int)response.StatusCode < 500, $"{method} {path} answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task HugeRequestHeaders_AreRefusedWith4xx()
    {
        using var console = recorder.CreateConsoleClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("X-Big", new string('a', 64 * 1024));
        var response = await console.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }
}
