using System.Net;
using System.Net.Http.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Audit;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Security;

/// <summary>What apps do reaches Settings → Log, in words: sign-ins, wrong passwords, the limit, sign-outs.</summary>
public sealed class AppAuditTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
    }

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    [Fact]
    public async Task AppSignIns_WrongPasswords_TheLimit_AndSignOut_AreLogged()
    {
        using var api = recorder.CreateApiClient();
        var signIn = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "Kitchen tablet"));
        var token = (await signIn.Content.ReadFromJsonAsync<SessionResponse>())!.Token;
        for (var i = 0; i < 6; i++)
        {
            await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", "not-the-password", "Kitchen tablet"));
        }

        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sessions/current");
        signOut.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(signOut)).StatusCode);

        var events = (await recorder.Get<AuditLog>().ReadRecentAsync(50)).Select(e => e.Event).ToList();
        Assert.Contains(nameof(AuditEvent.AppSignedIn), events);
        Assert.Equal(5, events.Count(e => e == nameof(AuditEvent.AppSignInFailed)));
        Assert.Contains(nameof(AuditEvent.AppSignInLimited), events);
        Assert.Contains(nameof(AuditEvent.AppSignedOut), events);
        var detail = (await recorder.Get<AuditLog>().ReadRecentAsync(50)).First(e => e.Event == nameof(AuditEvent.AppSignedIn)).Detail;
        Assert.Contains("Kitchen tablet", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryEvent_HasWords_NotItsStoredName()
    {
        Assert.All(Enum.GetValues<AuditEvent>(), e => Assert.NotEqual(e.ToString(), AuditWords.For(e)));
        Assert.Equal("App signed in", AuditWords.For("AppSignedIn"));
        Assert.Equal("SomethingOld", AuditWords.For("SomethingOld")); // a name from a newer version shows as stored
    }
}
