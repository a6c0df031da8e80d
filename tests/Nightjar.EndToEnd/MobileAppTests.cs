using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Nightjar.Contracts;
using Nightjar.Recorder.Hosting;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>Settings → Mobile App: the pairing code and URI, the paired apps, and revoking one.</summary>
[Collection(SharedBrowser.Name)]
public sealed class MobileAppTests(ConsoleBrowser browser) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    [Fact]
    public async Task MobileApp_ShowsThePairingUri_AndRevokingAnAppEndsItsToken()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        using var api = recorder.CreateApiClient();
        var session = (await (await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "Jane's phone")))
            .Content.ReadFromJsonAsync<SessionResponse>())!;
        var console = new ConsolePage(await browser.NewPageAsync());
        await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/settings/mobile?login=open"));
        await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
        await console.SubmitLoginAsync();

        var text = await console.Page.GetByLabel("Pairing URI").TextContentAsync();
        Assert.True(PairingUri.TryParse(text, out var pairing, out var error), error);
        Assert.Equal(session.DeviceId, pairing!.DeviceId);
        Assert.Equal(recorder.Get<DeviceCertificate>().Sha256Fingerprint, pairing.Sha256Fingerprint);
        Assert.Equal(recorder.ApiUrl.Port, pairing.Port);
        await Expect(console.Page.GetByAltText("Pairing QR code")).ToBeVisibleAsync();
        await Expect(console.Page.GetByRole(AriaRole.Table, new() { Name = "Paired apps" })).ToContainTextAsync("Jane's phone");
        await console.ScreenshotAsync("30-mobile-app");

        await console.Button("Revoke Jane's phone").ClickAsync();
        await Expect(console.Page.GetByText("No app has signed in yet.")).ToBeVisibleAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/device");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(request)).StatusCode);
    }
}
