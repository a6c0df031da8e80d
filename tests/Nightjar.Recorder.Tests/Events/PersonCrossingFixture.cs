using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Tests.Video;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Events;

/// <summary>
/// One run of the fake camera's scene where a photograph of a person crosses the picture every 20 s from 25 s on, and
/// the grey box walks across between them (from 15 s on), recorded by a camera set to "Alert On: People" with every
/// alert channel set up. The run ends once the second crossing's event has had time to end and alert.
/// </summary>
public sealed class PersonCrossingFixture : IAsyncLifetime
{
    public const string TopicPrefix = "nightjar";
    public const int Crossings = 2;

    private LiveEventsListener? live;

    public FakeCamera Camera { get; private set; } = null!;

    public TestRecorder Recorder { get; private set; } = null!;

    public MqttBroker Broker { get; private set; } = null!;

    public MqttListener Mqtt { get; private set; } = null!;

    public WebhookReceiver Webhook { get; private set; } = null!;

    public LoopbackSmtpServer Smtp { get; private set; } = null!;

    public string Token { get; private set; } = null!;

    public IReadOnlyList<SceneHappening> PersonCrossings { get; private set; } = [];

    public IReadOnlyList<SceneHappening> BoxWalks { get; private set; } = [];

    public IReadOnlyList<EventMessage> LiveMessages => live?.Messages ?? [];

    public async Task InitializeAsync()
    {
        Broker = await MqttBroker.StartAsync();
        Mqtt = await MqttListener.StartAsync(Broker);
        Webhook = await WebhookReceiver.StartAsync();
        Smtp = LoopbackSmtpServer.Start();
        Camera = await FakeCamera.StartAsync(gop: 15, walkEvery: 20, walkOffset: 15, walkSeconds: 3, personEvery: 20, personOffset: 25, personSeconds: 4);
        Recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={Camera.Url("motion")}",
            $"--Nightjar:Cameras:0:SubStreamUrl={Camera.Url("motion-sub")}", "--Nightjar:Cameras:0:AlertOn=People",
            "--Nightjar:Notifications:Mqtt:Host=127.0.0.1", $"--Nightjar:Notifications:Mqtt:Port={Broker.Port}",
            $"--Nightjar:Notifications:Webhook:Url={Webhook.Url}", "--Nightjar:Notifications:Webhook:Secret=crossing-secret",
            "--Nightjar:Notifications:Email:To=alerts@example.com", "--Nightjar:Notifications:Email:Cooldown=00:00:00");
        await Recorder.CompleteSetupAsync(relay: Smtp);
        Token = await VideoConnections.SignInAsync(Recorder);
        live = await LiveEventsListener.OpenAsync(Recorder, Token);

        var crossings = new List<SceneHappening>();
        var walks = new List<SceneHappening>();
        for (var k = 0; k < Crossings; k++)
        {
            walks.Add(await Camera.WaitForHappeningAsync(SceneHappening.Walk, k, TimeSpan.FromSeconds(90)));
            crossings.Add(await Camera.WaitForHappeningAsync(SceneHappening.Person, k, TimeSpan.FromSeconds(30)));
        }

        (PersonCrossings, BoxWalks) = (crossings, walks);
        // The last crossing's event ends 5 s after its last movement; its end then travels to every channel.
        await Task.Delay(crossings[^1].End - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(9));
    }

    public async Task<List<EventInfo>> EventsAsync()
    {
        using var api = Recorder.CreateApiClient();
        using var request = VideoConnections.Get("/api/v1/events?limit=50", Token);
        var response = await api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize<List<EventInfo>>(await response.Content.ReadAsStringAsync(), EventJson.Options)!;
    }

    /// <summary>The event that began with <paramref name="happening"/> (within a second and a half of it), or null.</summary>
    public static EventInfo? EventOf(IEnumerable<EventInfo> events, SceneHappening happening) =>
        events.Where(e => e.Start >= happening.Start - TimeSpan.FromSeconds(0.5) && e.Start <= happening.Start + TimeSpan.FromSeconds(1.5))
            .MinBy(e => (e.Start - happening.Start).Duration());

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
