using System.Net;
using System.Net.Http.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Recovery;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Security;

/// <summary>Answers holding tokens, tickets or Recovery Keys are never cached; the API is HTTPS-only and never sniffed.</summary>
public sealed class SecurityHeaderTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
    }

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    private static void AssertNotCached(HttpResponseMessage response) =>
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{response.RequestMessage?.RequestUri}: Cache-Control {response.Headers.CacheControl}");

    [Fact]
    public async Task TheApi_SendsHsts_Nosniff_AndNoStore_OnTheTokenAndEveryOtherAnswer()
    {
        using var api = recorder.CreateApiClient();
        var signIn = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "phone"));
        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        var refused = await api.GetAsync("/api/v1/device");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        foreach (var response in new[] { signIn, refused, await api.GetAsync("/healthz") })
        {
            AssertNotCached(response);
            Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    [Fact]
    public async Task TheConsolesRecoveryAnswers_AreNotCached_AndTheConsoleSendsNoHsts()
    {
        using var console = recorder.CreateConsoleClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/recovery/requests/recovery-key");
        request.Headers.Add(RecoveryEndpoints.ConsoleHeader, "1");
        var response = await console.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        AssertNotCached(response);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains("Strict-Transport-Security")); // plain HTTP on loopback: HSTS means nothing there
    }
}
