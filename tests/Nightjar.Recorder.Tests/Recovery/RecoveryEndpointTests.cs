using System.Net;
using System.Net.Http.Json;
using System.Text;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Recovery;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Recovery;

/// <summary>Forgot Password through the real HTTP endpoints of the console listener, with a real SMTP server.</summary>
public class RecoveryEndpointTests : IAsyncLifetime
{
    private const string NewPassword = "amber-lantern-7305";
    private LoopbackSmtpServer smtp = null!;
    private TestRecorder recorder = null!;
    private HttpClient console = null!;

    public async Task InitializeAsync()
    {
        smtp = LoopbackSmtpServer.Start();
        recorder = await TestRecorder.StartAsync("--Nightjar:Power:AfterPasswordReset=Prompt");
        await recorder.CompleteSetupAsync("jane@example.com", smtp);
        console = recorder.CreateConsoleClient();
        console.DefaultRequestHeaders.Add(RecoveryEndpoints.ConsoleHeader, "1");
    }

    public async Task DisposeAsync()
    {
        console.Dispose();
        await recorder.DisposeAsync();
        await smtp.DisposeAsync();
    }

    private async Task<string> CodeAsync() =>
        SecureCodeText.In(await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal), TimeSpan.FromSeconds(20)));

    [Fact]
    public async Task WholeFlow_OverHttp_ChangesThePassword()
    {
        var start = await console.PostAsync("/console/recovery/requests", null);
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var request = (await start.Content.ReadFromJsonAsync<RecoveryEndpoints.RequestBody>())!;
        Assert.Equal("j•••@example.com", request.MaskedAddress);

        var wrong = await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/verify", new { code = "0000-0000" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("Incorrect code — 4 attempts left", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var verify = await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/verify", new { code = await CodeAsync() });
        var ticket = (await verify.Content.ReadFromJsonAsync<RecoveryEndpoints.TicketBody>())!.Ticket;
        var weak = await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/complete", new { ticket, newPassword = "password", confirmPassword = "password" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("NewPassword", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var done = await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/complete", new { ticket, newPassword = NewPassword, confirmPassword = NewPassword });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.IsType<LoginOutcome.Succeeded>(await recorder.Get<ConsoleLogin>().LoginAsync("admin", NewPassword));
        var again = await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/complete", new { ticket, newPassword = NewPassword, confirmPassword = NewPassword });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Resend_TooSoon_Answers429WithRetryAfter()
    {
        await console.PostAsync("/console/recovery/requests", null);
        var resend = await console.PostAsync("/console/recovery/requests/resend", null);

        Assert.Equal(HttpStatusCode.TooManyRequests, resend.StatusCode);
        Assert.InRange(resend.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal("application/problem+json", resend.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task WithoutTheConsoleHeader_Answers403()
    {
        using var plain = recorder.CreateConsoleClient();
        var response = await plain.PostAsync("/console/recovery/requests", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ApiListener_HasNoRecoveryRoutes_WhateverTheHeadersSay()
    {
        using var api = recorder.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/recovery/requests");
        request.Headers.Add(RecoveryEndpoints.ConsoleHeader, "1");
        request.Headers.Add("X-Forwarded-For", "127.0.0.1");
        request.Headers.Host = recorder.ConsoleUrl.Authority;

        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(request)).StatusCode);
        // Under /api/ the console's page router still matches GET paths, so a POST is refused as 405: nothing runs either way.
        Assert.Contains((await api.PostAsync("/api/v1/recovery", null)).StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
    }

    public static TheoryData<string, string> HostileBodies() => new()
    {
        { "application/json", "" },
        { "application/json", "{" },
        { "application/json", "[]" },
        { "application/json", "\"code\"" },
        { "application/json", "{\"code\": 12345678}" },
        { "application/json", "{\"code\": {\"$ne\": null}}" },
        { "application/json", "{\"code\": [\"K7Q2-9MZD\"]}" },
        { "application/json", "{\"code\": \"K7Q2\\r\\n9MZD\"}" },
        { "application/json", "{\"code\": \"\\u0000\"}" },
        { "application/json", "{\"code\": \"" + new string('A', 50_000) + "\"}" },
        { "application/json", "{\"ticket\": true, \"newPassword\": 1, \"confirmPassword\": null}" },
        { "text/plain", "K7Q2-9MZD" },
        { "application/x-www-form-urlencoded", "code=K7Q2-9MZD" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task HostileBodies_GetA4xx_Never500(string contentType, string body)
    {
        var request = (await (await console.PostAsync("/console/recovery/requests", null)).Content.ReadFromJsonAsync<RecoveryEndpoints.RequestBody>())!;
        foreach (var route in new[] { "verify", "complete" })
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            var response = await console.PostAsync($"/console/recovery/requests/{request.RequestId}/{route}", content);
            Assert.InRange((int)response.StatusCode, 400, 499);
        }

        Assert.IsType<LoginOutcome.Succeeded>(await recorder.Get<ConsoleLogin>().LoginAsync("admin", TestRecorder.AdminPassword));
    }

    [Fact]
    public async Task OversizedBody_IsRefused()
    {
        var huge = new StringContent("{\"code\":\"" + new string('A', 200 * 1024) + "\"}", Encoding.UTF8, "application/json");
        var response = await console.PostAsync("/console/recovery/requests/x/verify", huge);
        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Theory]
    [InlineData("/console/recovery/requests/does-not-exist", HttpStatusCode.NotFound)]
    [InlineData("/console/recovery/requests/" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", HttpStatusCode.NotFound)]
    [InlineData("/console/recovery/requests/%00%0d%0a", HttpStatusCode.BadRequest)] // Kestrel refuses NUL in a path
    public async Task UnknownOrMalformedRequestId_Answers4xx(string path, HttpStatusCode expected) =>
        Assert.Equal(expected, (await console.GetAsync(path)).StatusCode);

    [Fact]
    public async Task ConcurrentRightCodes_OverHttp_ExactlyOneTicket()
    {
        var request = (await (await console.PostAsync("/console/recovery/requests", null)).Content.ReadFromJsonAsync<RecoveryEndpoints.RequestBody>())!;
        var code = await CodeAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/verify", new { code })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Gone, r.StatusCode));
    }
}
