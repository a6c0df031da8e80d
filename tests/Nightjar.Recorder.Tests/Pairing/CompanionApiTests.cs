using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Pairing;

/// <summary>The companion-app API over TLS on the real API listener, with the device's own certificate pinned.</summary>
public class CompanionApiTests : IAsyncLifetime
{
    private const string NewPassword = "amber-lantern-7305";
    private TestRecorder recorder = null!;
    private HttpClient api = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        api = recorder.CreateApiClient();
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        await recorder.DisposeAsync();
    }

    private Task<HttpResponseMessage> SignInAsync(string password, string client = "Jane's phone") =>
        api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", password, client));

    private async Task<string> TokenAsync(string password = TestRecorder.AdminPassword)
    {
        var response = await SignInAsync(password);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SessionResponse>())!.Token;
    }

    private async Task<HttpResponseMessage> GetDeviceAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/device");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await api.SendAsync(request);
    }

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString()!;
    }

    [Fact]
    public async Task SignIn_GivesAToken_ThatReadsTheDevice()
    {
        var response = await SignInAsync(TestRecorder.AdminPassword);
        var session = (await response.Content.ReadFromJsonAsync<SessionResponse>())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(session.Token.Length >= 43, "at least 256 bits");
        var device = (await (await GetDeviceAsync(session.Token)).Content.ReadFromJsonAsync<DeviceInfo>())!;
        Assert.Equal(session.DeviceId, device.DeviceId);
        Assert.Equal((await recorder.WaitUntilHealthyAsync()).BootId, device.BootId);
    }

    [Fact]
    public async Task TokensAreStored_OnlyAsAKeyedHash()
    {
        var token = await TokenAsync();
        await using var connection = await recorder.Get<Storage.Database>().OpenAsync();
        var stored = await SqliteCommands.QueryAsync(connection, "SELECT token_hash FROM app_token", r => r.GetString(0));
        Assert.DoesNotContain(stored, h => h.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongPassword_Is401_ThenTheClientIsLimited()
    {
        for (var i = 0; i < 5; i++)
        {
            var wrong = await SignInAsync("wrong-password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal(ProblemTypes.WrongCredentials, await ProblemTypeAsync(wrong));
        }

        var limited = await SignInAsync(TestRecorder.AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(ProblemTypes.TooManyAttempts, await ProblemTypeAsync(limited));
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalMinutes, 14, 15);
    }

    [Fact]
    public async Task SigningOut_WithATokenFromBeforeAPasswordChange_AnswersCredentialsChanged()
    {
        var token = await TokenAsync();
        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync(NewPassword, "test"));

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sessions/current");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var stale = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(ProblemTypes.CredentialsChanged, await ProblemTypeAsync(stale));
    }

    [Fact]
    public async Task AnAppWithItsDeviceCookie_SignsIn_WhileItsAddressIsLimited()
    {
        var session = (await (await SignInAsync(TestRecorder.AdminPassword)).Content.ReadFromJsonAsync<SessionResponse>())!;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync("wrong-password")).StatusCode);
        }

        var limited = await SignInAsync(TestRecorder.AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("from this address", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var withCookie = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "Jane's phone", session.DeviceCookie));
        Assert.Equal(HttpStatusCode.Created, withCookie.StatusCode);
        Assert.Equal(session.DeviceCookie, (await withCookie.Content.ReadFromJsonAsync<SessionResponse>())!.DeviceCookie);
        var forged = session.DeviceCookie[..^1] + (session.DeviceCookie[^1] == '0' ? '1' : '0');
        var withForged = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "Jane's phone", forged));
        Assert.Equal(HttpStatusCode.TooManyRequests, withForged.StatusCode);
    }

    [Fact]
    public async Task AfterAPasswordChange_OldTokensAnswerCredentialsChanged_WithWhen_AndDoNotLockTheOwnerOut()
    {
        var token = await TokenAsync();
        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync(NewPassword, "test"));

        for (var i = 0; i < 10; i++)
        {
            var stale = await GetDeviceAsync(token);
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
            var problem = JsonDocument.Parse(await stale.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(ProblemTypes.CredentialsChanged, problem.GetProperty("type").GetString());
            Assert.True(problem.TryGetProperty(ProblemTypes.ChangedAtMember, out var changedAt) && changedAt.GetDateTimeOffset() > DateTimeOffset.MinValue);
        }

        var fresh = await TokenAsync(NewPassword);
        Assert.Equal(HttpStatusCode.OK, (await GetDeviceAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsTheToken()
    {
        var token = await TokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sessions/current");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(request)).StatusCode);
        var after = await GetDeviceAsync(token);
        Assert.Equal(ProblemTypes.InvalidToken, await ProblemTypeAsync(after));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("Bearer")]
    public async Task MissingOrForgedToken_Is401(string token)
    {
        var response = await GetDeviceAsync(token.Length == 0 ? "x" : token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/device")).StatusCode);
    }

    public static TheoryData<string> HostileSignIns() => new()
    {
        "",
        "{",
        "[]",
        "{\"userName\": 1, \"password\": true, \"clientName\": null}",
        "{\"userName\": \"admin\", \"password\": \"x\"}",
        "{\"userName\": \"admin\", \"password\": \"x\", \"clientName\": \"phone\\r\\nX-Evil: 1\"}",
        "{\"userName\": \"admin\", \"password\": \"x\", \"clientName\": \"" + new string('p', 500) + "\"}",
        "{\"userName\": \"admin\", \"password\": \"" + new string('p', 5000) + "\", \"clientName\": \"phone\"}",
    };

    [Theory]
    [MemberData(nameof(HostileSignIns))]
    public async Task HostileSignIn_Gets4xx_Never500(string body)
    {
        var response = await api.PostAsync("/api/v1/sessions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public async Task OpenApiDocument_IsServed_AndDescribesOnlyTheApi()
    {
        var response = await api.GetAsync("/api/v1/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        var names = paths.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/api/v1/sessions", names);
        Assert.Contains("/api/v1/device", names);
        Assert.All(names, n => Assert.StartsWith("/api/v1/", n, StringComparison.Ordinal));

        // Every video route, with the answers an app must handle: 401 (token or password changed) and its own errors.
        foreach (var (path, answers) in new[]
        {
            ("/api/v1/cameras", new[] { "200", "401" }),
            ("/api/v1/device", ["200", "401"]),
            ("/api/v1/cameras/{cameraId}/live", ["401", "400", "404", "503"]),
            ("/api/v1/cameras/{cameraId}/recordings", ["200", "401", "400", "404"]),
            ("/api/v1/cameras/{cameraId}/video.mp4", ["200", "206", "401", "400", "404", "410"]),
            ("/api/v1/cameras/{cameraId}/snapshot.jpg", ["200", "401", "404", "503"]),
            ("/api/v1/exports", ["200", "401"]),
            ("/api/v1/exports/{name}", ["200", "206", "401", "404"]),
        })
        {
            var responses = paths.GetProperty(path).GetProperty("get").GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            Assert.All(answers, a => Assert.Contains(a, responses));
        }

        Assert.DoesNotContain(names, n => n.StartsWith("/console", StringComparison.Ordinal));
        var signIn = paths.GetProperty("/api/v1/sessions").GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.All(new[] { "201", "400", "401", "413", "429", "503" }, a => Assert.Contains(a, signIn));

        // The bearer scheme, required by the signed-in routes and not by sign-in itself.
        var document = JsonDocument.Parse(await (await api.GetAsync("/api/v1/openapi.json")).Content.ReadAsStringAsync()).RootElement;
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(paths.GetProperty("/api/v1/device").GetProperty("get").TryGetProperty("security", out _));
        Assert.False(paths.GetProperty("/api/v1/sessions").GetProperty("post").TryGetProperty("security", out _));

        // Integers are integers, not "integer or string".
        var uptime = document.GetProperty("components").GetProperty("schemas").GetProperty("DeviceInfo").GetProperty("properties").GetProperty("uptimeSeconds");
        Assert.Equal("integer", uptime.GetProperty("type").ToString());
    }

    [Fact]
    public async Task ConsoleListener_HasNoApi()
    {
        using var console = recorder.CreateConsoleClient();
        var response = await console.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "phone"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TwoHundredStaleTokens_AllGetCredentialsChanged()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            tokens.Add(await recorder.Get<Nightjar.Recorder.Pairing.AppTokens>().IssueAsync($"phone {i}", recorder.Get<CredentialEpoch>().Current));
        }

        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync(NewPassword, "test"));
        var answers = await Task.WhenAll(tokens.Select(GetDeviceAsync));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.All(await Task.WhenAll(answers.Select(ProblemTypeAsync)), t => Assert.Equal(ProblemTypes.CredentialsChanged, t));
    }

    [Fact]
    public async Task FiveHundredConcurrentWrongPasswords_Get401Or429Or503_Never500()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => SignInAsync("wrong-password")));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);
    }
}
