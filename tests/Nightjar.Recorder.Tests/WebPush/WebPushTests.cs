using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Storage;
using Nightjar.Recorder.Tests.Notifications;
using Nightjar.Recorder.Tests.Video;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.WebPush;

/// <summary>
/// Web Push against a push service on loopback (TLS, its own authority) with a subscriber made as a browser makes one:
/// what arrives is decrypted with the subscriber's keys (RFC 8291) and its VAPID token checked (RFC 8292), so an alert
/// that is sent wrongly, to the wrong browser or after its sign-in ended cannot pass.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WebPushTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static async Task<(TestRecorder Recorder, HttpClient Api)> StartAsync(PushServiceStub service)
    {
        var recorder = await TestRecorder.StartAsync($"--Nightjar:Notifications:Push:CaFile={service.CaFile}");
        await recorder.CompleteSetupAsync();
        var api = recorder.CreateApiClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await VideoConnections.SignInAsync(recorder));
        return (recorder, api);
    }

    private static Task<HttpResponseMessage> SubscribeAsync(HttpClient api, string endpoint, PushSubscriber subscriber) =>
        api.PostAsJsonAsync("/api/v1/push/subscriptions", new PushSubscriptionRequest(endpoint, new PushSubscriptionKeys(subscriber.P256dh, subscriber.Auth)), EventJson.Options);

    private static async Task<long> SubscriptionsAsync(TestRecorder recorder)
    {
        await using var connection = await recorder.Get<Database>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM push_subscription");
    }

    [Fact]
    public async Task AnEventsStart_ReachesTheBrowser_EncryptedForItAlone_AndSignedWithTheRecordersKey()
    {
        await using var service = await PushServiceStub.StartAsync();
        var (recorder, api) = await StartAsync(service);
        await using var _ = recorder;
        using var __ = api;
        using var phone = new PushSubscriber();
        using var otherPhone = new PushSubscriber();
        Assert.Equal(HttpStatusCode.NoContent, (await SubscribeAsync(api, service.Endpoint("phone"), phone)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SubscribeAsync(api, service.Endpoint("other"), otherPhone)).StatusCode);
        var key = (await api.GetFromJsonAsync<PushKeyResponse>("/api/v1/push/key", EventJson.Options))!.PublicKey;

        await AlertRun.MakeEventAsync(recorder);

        var call = await service.WaitForAsync(c => c.Path == "/push/phone", Wait, "the alert for the phone");
        Assert.Null(call.Refusal); // a push service takes its VAPID token
        var alert = JsonSerializer.Deserialize<PushNotification>(phone.Decrypt(call.Body), EventJson.Options)!;
        Assert.Equal("Motion: " + AlertRun.Camera, alert.Title);
        Assert.Matches("^/api/v1/events/[0-9]+/thumbnail.jpg$", alert.Picture);
        Assert.Equal("/#events", alert.Url);
        Assert.Equal(("aes128gcm", "high", key), (call.ContentEncoding, call.Urgency, PushServiceStub.VapidKey(call)));
        Assert.InRange(int.Parse(call.Ttl, System.Globalization.CultureInfo.InvariantCulture), 3000, 3600);
        Assert.ThrowsAny<Exception>(() => otherPhone.Decrypt(call.Body)); // each browser's alert is encrypted for it alone
        var other = await service.WaitForAsync(c => c.Path == "/push/other", Wait, "the alert for the other phone");
        Assert.Equal(alert.Title, JsonSerializer.Deserialize<PushNotification>(otherPhone.Decrypt(other.Body), EventJson.Options)!.Title);

        // The start wakes the phone; the end does not.
        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Push, r => r.Count == 2 && r.All(x => AlertRun.Is(x.State, OutboxState.Sent)), Wait);
        Assert.All(rows, r => Assert.Equal(AlertPurpose.EventStart, r.Purpose));
        await Task.Delay(1000);
        Assert.Equal(2, service.Received.Count);
    }

    [Fact]
    public async Task ABusyPushService_IsTriedAgain_AndOneThatSaysGone_HasTheSubscriptionForgotten()
    {
        await using var service = await PushServiceStub.StartAsync();
        var answers = new Queue<int>([503, 201, 410]);
        service.Answer = _ => answers.TryDequeue(out var status) ? status : 410;
        var (recorder, api) = await StartAsync(service);
        await using var _ = recorder;
        using var __ = api;
        using var phone = new PushSubscriber();
        await SubscribeAsync(api, service.Endpoint("phone"), phone);

        await AlertRun.MakeEventAsync(recorder);
        var first = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Push, r => r.Count == 1 && AlertRun.Is(r[0].State, OutboxState.Sent), Wait);
        Assert.Equal(2, first[0].Attempts); // 503, then delivered

        await AlertRun.MakeEventAsync(recorder);
        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Push, r => r.Count == 2 && AlertRun.Is(r[1].State, OutboxState.Failed), Wait);
        Assert.Contains("subscription has ended", rows[1].Error, StringComparison.Ordinal);
        Assert.Equal(0, await SubscriptionsAsync(recorder));
    }

    [Fact]
    public async Task AfterTheSignInEnds_OrAlertsAreTurnedOff_TheBrowserGetsNoMoreAlerts()
    {
        await using var service = await PushServiceStub.StartAsync();
        var (recorder, api) = await StartAsync(service);
        await using var _ = recorder;
        using var __ = api;
        using var kept = recorder.CreateApiClient();
        kept.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await VideoConnections.SignInAsync(recorder));
        using var phone = new PushSubscriber();
        using var otherPhone = new PushSubscriber();
        await SubscribeAsync(kept, service.Endpoint("kept"), otherPhone);

        await SubscribeAsync(api, service.Endpoint("phone"), phone);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v1/push/subscriptions")).StatusCode); // "Alerts on This Device" off
        Assert.Equal(1, await SubscriptionsAsync(recorder));
        await SubscribeAsync(api, service.Endpoint("phone"), phone);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v1/sessions/current")).StatusCode); // then its sign-in ends

        await AlertRun.MakeEventAsync(recorder);

        await service.WaitForAsync(c => c.Path == "/push/kept", Wait, "the alert for the phone still signed in");
        Assert.DoesNotContain(service.Received, c => c.Path == "/push/phone");
        Assert.Single(await AlertRun.RowsAsync(recorder, OutboxChannel.Push));
        Assert.Equal(1, await SubscriptionsAsync(recorder));
    }

    [Fact]
    public async Task ASubscriptionWithAKeyOffTheCurve_OrAnAddressThatIsNotHttps_IsRefusedInWords()
    {
        await using var service = await PushServiceStub.StartAsync();
        var (recorder, api) = await StartAsync(service);
        await using var _ = recorder;
        using var __ = api;
        using var phone = new PushSubscriber();
        var offTheCurve = "BA" + new string('A', 85); // 0x04 then zeros: not a point on P-256

        var http = await SubscribeAsync(api, "http://127.0.0.1:9/push/x", phone);
        var badKey = await api.PostAsJsonAsync("/api/v1/push/subscriptions",
            new PushSubscriptionRequest(service.Endpoint("x"), new PushSubscriptionKeys(offTheCurve, phone.Auth)), EventJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, http.StatusCode);
        Assert.Contains("https", await http.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.Contains("P-256", await badKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await SubscriptionsAsync(recorder));
    }

    [Fact]
    public async Task TheRecordersKey_IsMadeAtTheFirstStart_PrivateToItsUser_AndKeptThroughARestart()
    {
        var dataDir = TestRecorder.NewDataDir();
        try
        {
            string first;
            await using (var recorder = await TestRecorder.StartInAsync(dataDir))
            {
                var path = Path.Combine(dataDir, "keys", "web-push.key");
                Assert.True(File.Exists(path), "The key exists from the first start.");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
                await recorder.CompleteSetupAsync();
                using var api = recorder.CreateApiClient();
                api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await VideoConnections.SignInAsync(recorder));
                first = (await api.GetFromJsonAsync<PushKeyResponse>("/api/v1/push/key", EventJson.Options))!.PublicKey;
            }

            await using (var recorder = await TestRecorder.StartInAsync(dataDir))
            {
                using var api = recorder.CreateApiClient();
                api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await VideoConnections.SignInAsync(recorder));
                Assert.Equal(first, (await api.GetFromJsonAsync<PushKeyResponse>("/api/v1/push/key", EventJson.Options))!.PublicKey);
                Assert.Equal(65, Convert.FromBase64String(first.Replace('-', '+').Replace('_', '/') + "=").Length);
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
