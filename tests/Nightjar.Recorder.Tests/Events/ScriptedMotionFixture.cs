using System.Globalization;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Tests.Video;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Events;

/// <summary>
/// One run of the fake camera's scripted scene, recorded with every alert channel set up: a grey box walks across the
/// picture every 15 s from 15 s on (after the detector has learnt the scene), the light switches on and off between
/// walks, and noise, the clock and a noisy patch are there all along. Alerts go to a real mosquitto broker, a real
/// webhook receiver and the SMTP server on loopback; the app's live events socket is open from the start. The run ends
/// once the third walk's event has had time to end, and the tests read what happened.
/// </summary>
public sealed class ScriptedMotionFixture : IAsyncLifetime
{
    public const string CameraId = "cfg0";
    public const string WebhookSecret = "hook-secret-5d1c";
    public const string TopicPrefix = "home/nightjar";
    public const int Walks = 3;

    private LiveEventsListener? live;

    public FakeCamera Camera { get; private set; } = null!;

    public TestRecorder Recorder { get; private set; } = null!;

    public MqttBroker Broker { get; private set; } = null!;

    public MqttListener Mqtt { get; private set; } = null!;

    public WebhookReceiver Webhook { get; private set; } = null!;

    public LoopbackSmtpServer Smtp { get; private set; } = null!;

    public string Token { get; private set; } = null!;

    public IReadOnlyList<SceneHappening> WalksSeen { get; private set; } = [];

    public IReadOnlyList<EventMessage> LiveMessages => live?.Messages ?? [];

    public async Task InitializeAsync()
    {
        Broker = await MqttBroker.StartAsync();
        Mqtt = await MqttListener.StartAsync(Broker);
        Webhook = await WebhookReceiver.StartAsync();
        Smtp = LoopbackSmtpServer.Start();
        Camera = await FakeCamera.StartAsync(gop: 15, walkEvery: 15, walkOffset: 15, walkSeconds: 3, lightEvery: 15, lightOffset: 6, lightSeconds: 3);
        Recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={Camera.Url("motion")}",
            $"--Nightjar:Cameras:0:SubStreamUrl={Camera.Url("motion-sub")}",
            "--Nightjar:Notifications:Mqtt:Host=127.0.0.1", $"--Nightjar:Notifications:Mqtt:Port={Broker.Port}",
            $"--Nightjar:Notifications:Mqtt:TopicPrefix={TopicPrefix}",
            $"--Nightjar:Notifications:Webhook:Url={Webhook.Url}", $"--Nightjar:Notifications:Webhook:Secret={WebhookSecret}",
            "--Nightjar:Notifications:Email:To=alerts@example.com", "--Nightjar:Notifications:Email:Cooldown=00:00:00");
        await Recorder.CompleteSetupAsync(relay: Smtp);
        Token = await VideoConnections.SignInAsync(Recorder);
        live = await LiveEventsListener.OpenAsync(Recorder, Token);

        var walks = new List<SceneHappening>();
        for (var k = 0; k < Walks; k++)
        {
            walks.Add(await Camera.WaitForHappeningAsync(SceneHappening.Walk, k, TimeSpan.FromSeconds(90)));
        }

        WalksSeen = walks;
        // The last walk's event ends 5 s after its last movement; its end and picture then travel to every channel.
        await Task.Delay(walks[^1].End - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(9));
    }

    public async Task<List<EventInfo>> EventsAsync()
    {
        using var api = Recorder.CreateApiClient();
        using var request = VideoConnections.Get("/api/v1/events?limit=50", Token);
        var response = await api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize<List<EventInfo>>(await response.Content.ReadAsStringAsync(), EventJson.Options)!;
    }

    public static string Describe(IEnumerable<EventInfo> events) =>
        string.Join("; ", events.Select(e => string.Create(CultureInfo.InvariantCulture, $"#{e.Id} {e.Start:HH:mm:ss.fff}–{e.End:HH:mm:ss.fff}")));

    public async Task DisposeAsync()
    {
        if (live is not null)
        {
            await live.DisposeAsync();
        }

        await Recorder.DisposeAsync();
        await Camera.DisposeAsync();
        await Mqtt.DisposeAsync();
        await Broker.DisposeAsync();
        await Webhook.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
