using System.Net;
using Nightjar.Recorder.Accounts;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Console;

/// <summary>Console login, lockout and session end, over HTTP against the real host, as the browser's form posts do it.</summary>
public class ConsoleSessionTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
    }

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    private static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string userName, string password, string returnUrl = "/settings")
    {
        var token = await Antiforgery.TokenAsync(client);
        return await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [Antiforgery.FieldName] = token,
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        }));
    }

    [Fact]
    public async Task Login_SetsAnHttpOnlyStrictCookie_AndOpensTheChosenScreen()
    {
        using var client = recorder.CreateConsoleClient();

        var response = await PostLoginAsync(client, "admin", TestRecorder.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/settings", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ConsoleSession.CookieName, StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Device ID", await client.GetStringAsync("/settings"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutLogin_ScreensAreLocked()
    {
        using var client = recorder.CreateConsoleClient();
        var page = await client.GetStringAsync("/settings");

        Assert.Contains("This screen is locked.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Device ID", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginOpen_ShowsTheDialog_WithoutAnError()
    {
        using var client = recorder.CreateConsoleClient();
        var page = await client.GetStringAsync("/?login=open");

        Assert.Contains("aria-label=\"Login\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong user name or password", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPassword_ComesBackWithAttemptsLeft_ThenLocks()
    {
        using var client = recorder.CreateConsoleClient();
        for (var left = 4; left >= 1; left--)
        {
            var response = await PostLoginAsync(client, "admin", "wrong-password");
            Assert.Equal($"/settings?login=failed-{left}", response.Headers.Location!.OriginalString);
        }

        var locked = await PostLoginAsync(client, "admin", "wrong-password");
        Assert.Equal("/settings?login=locked", locked.Headers.Location!.OriginalString);
        var rightButLocked = await PostLoginAsync(client, "admin", TestRecorder.AdminPassword);
        Assert.Equal("/settings?login=locked", rightButLocked.Headers.Location!.OriginalString);
        Assert.Contains("The console is locked; try again in 4:", await client.GetStringAsync("/settings?login=locked"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = recorder.CreateConsoleClient();
        var response = await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = "admin",
            ["password"] = TestRecorder.AdminPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(ConsoleSession.CookieName, string.Join(";", response.Headers.TryGetValues("Set-Cookie", out var c) ? c : []), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example.com/")]
    [InlineData("//evil.example.com")]
    [InlineData("/\\evil.example.com")]
    [InlineData("/settings/../../etc")]
    [InlineData("javascript:alert(1)")]
    public async Task Login_NeverRedirectsOffTheConsole(string returnUrl)
    {
        using var client = recorder.CreateConsoleClient();
        var response = await PostLoginAsync(client, "admin", TestRecorder.AdminPassword, returnUrl);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    public static TheoryData<string, string> HostileLogins() => new()
    {
        { "", "" },
        { new string('a', 10 * 1024), new string('b', 10 * 1024) },
        { "admin\r\nSet-Cookie: x=1", "x\r\ny" },
        { "ädmïn 🦉", "пароль-密码-🔑" },
        { "<script>alert(1)</script>", "' OR 1=1 --" },
    };

    [Theory]
    [MemberData(nameof(HostileLogins))]
    public async Task HostileLogin_IsAnsweredAsAWrongLogin_Never500(string userName, string password)
    {
        using var client = recorder.CreateConsoleClient();
        var response = await PostLoginAsync(client, userName, password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/settings?login=failed-", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NulInAFormField_IsRefusedWith400()
    {
        using var client = recorder.CreateConsoleClient();
        var response = await PostLoginAsync(client, "admin\0", "\0");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task OversizedLoginBody_IsRefusedWith4xx()
    {
        using var client = recorder.CreateConsoleClient();
        var token = await Antiforgery.TokenAsync(client);
        var response = await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [Antiforgery.FieldName] = token,
            ["userName"] = "admin",
            ["password"] = new string('x', 200 * 1024),
        }));

        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public async Task PasswordChange_EndsEverySessionAtOnce()
    {
        using var first = recorder.CreateConsoleClient();
        using var second = recorder.CreateConsoleClient();
        await PostLoginAsync(first, "admin", TestRecorder.AdminPassword);
        await PostLoginAsync(second, "admin", TestRecorder.AdminPassword);
        Assert.Contains("Device ID", await first.GetStringAsync("/settings"), StringComparison.Ordinal);

        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync("amber-lantern-7305", "test"));

        Assert.Contains("This screen is locked.", await first.GetStringAsync("/settings"), StringComparison.Ordinal);
        Assert.Contains("This screen is locked.", await second.GetStringAsync("/settings"), StringComparison.Ordinal);
        await PostLoginAsync(first, "admin", "amber-lantern-7305");
        Assert.Contains("Device ID", await first.GetStringAsync("/settings"), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostLockAsync(HttpClient client, bool withToken = true) =>
        await client.PostAsync("/console/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [Antiforgery.FieldName] = withToken ? await Antiforgery.TokenAsync(client, "/") : "",
        }));

    [Fact]
    public async Task Logout_LocksTheConsole()
    {
        using var client = recorder.CreateConsoleClient();
        await PostLoginAsync(client, "admin", TestRecorder.AdminPassword);

        var response = await PostLockAsync(client);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("This screen is locked.", await client.GetStringAsync("/settings"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_WithoutAntiforgeryToken_IsRefused_AndLocksNothing()
    {
        using var client = recorder.CreateConsoleClient();
        await PostLoginAsync(client, "admin", TestRecorder.AdminPassword);

        var response = await PostLockAsync(client, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Device ID", await client.GetStringAsync("/settings"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lock_EndsEveryConsoleSession_NotOnlyItsOwn()
    {
        using var first = recorder.CreateConsoleClient();
        using var second = recorder.CreateConsoleClient();
        await PostLoginAsync(first, "admin", TestRecorder.AdminPassword);
        await PostLoginAsync(second, "admin", TestRecorder.AdminPassword);
        Assert.Contains("Device ID", await second.GetStringAsync("/settings"), StringComparison.Ordinal);

        await PostLockAsync(first);

        Assert.Contains("This screen is locked.", await second.GetStringAsync("/settings"), StringComparison.Ordinal);
        await PostLoginAsync(second, "admin", TestRecorder.AdminPassword);
        Assert.Contains("Device ID", await second.GetStringAsync("/settings"), StringComparison.Ordinal);
    }
}
