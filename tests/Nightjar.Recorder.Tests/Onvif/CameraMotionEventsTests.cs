using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Tests.Video;
using Nightjar.Recording.Motion;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Onvif;

/// <summary>
/// A camera's own motion detection through ONVIF events, end to end: the fake camera reports its scene's walks to a
/// PullPoint subscription, the recorder makes them events of kind <c>camera-motion</c> (its own detection off for that
/// camera), and they reach the API and a real MQTT broker; after the camera restarts, the subscription is made again.
/// </summary>
public sealed class CameraMotionEventsTests
{
    private const string Prefix = "nightjar";

    [Fact]
    public async Task TheCamerasOwnMotion_BecomesCameraMotionEvents_InTheIndexAndOnMqtt_AndAgainAfterTheCameraRestarts()
    {
        await using var broker = await MqttBroker.StartAsync();
        await using var mqtt = await MqttListener.StartAsync(broker);
        await using var camera = await FakeCamera.StartAsync(user: "onvif", password: "Cam-Events-12", onvif: true, onvifMainMount: "motion",
            onvifSubMount: "motion-sub", walkEvery: 30, walkOffset: 20, walkSeconds: 3); // after a restart, the recorder's back-off (2, 4, 8 s) is over first
        await using var recorder = await TestRecorder.StartAsync(
            "--Nightjar:Notifications:Mqtt:Host=127.0.0.1", $"--Nightjar:Notifications:Mqtt:Port={broker.Port}");
        await recorder.CompleteSetupAsync();
        var form = new CameraForm("Gate", camera.Url("motion").AbsoluteUri, camera.Url("motion-sub").AbsoluteUri, "onvif", "Cam-Events-12")
        {
            OnvifAddress = camera.OnvifDeviceService,
            Motion = MotionSettings.Default with { From = MotionFrom.Camera },
        };
        var saved = (await recorder.Get<CameraCatalog>().SaveAsync(null, form)).Saved!;

        var walk = await camera.WaitForHappeningAsync(SceneHappening.Walk, 0, TimeSpan.FromSeconds(60));
        var started = await mqtt.WaitForAsync(m => m.Topic == $"{Prefix}/events" && m.Text.Contains(EventMessageTypes.Start, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the event's start on MQTT");
        await mqtt.WaitForAsync(m => m.Topic == $"{Prefix}/{saved.Id}/motion" && m.Text == "OFF" && m.ReceivedAt > started.ReceivedAt, TimeSpan.FromSeconds(10), "motion OFF at the walk's end");

        await camera.KillAsync();
        await camera.RestartAsync();
        var again = await camera.WaitForHappeningAsync(SceneHappening.Walk, 0, TimeSpan.FromSeconds(60));
        await mqtt.WaitForAsync(m => m.Topic == $"{Prefix}/{saved.Id}/motion" && m.Text == "OFF" && m.ReceivedAt > again.Start, TimeSpan.FromSeconds(20),
            "motion OFF at the end of the restarted camera's walk");

        var events = await EventsAsync(recorder);
        var message = JsonSerializer.Deserialize<EventMessage>(started.Payload, EventJson.Options)!;
        Assert.Equal("camera-motion", message.Event!.Kind);
        Assert.Equal(2, events.Count); // the camera's own walks, and no event of the recorder's own detection
        Assert.All(events, e => Assert.Equal(("camera-motion", saved.Id), (e.Kind, e.Camera)));
        var first = events.MinBy(e => e.Start)!;
        var second = events.MaxBy(e => e.Start)!;
        Assert.InRange((first.Start - walk.Start).TotalSeconds, -0.5, 3); // a margin for a loaded machine: the time an alert takes is bench/run's
        Assert.InRange((first.End!.Value - walk.End).TotalSeconds, -0.5, 3);
        Assert.InRange((second.Start - again.Start).TotalSeconds, -0.5, 3);
    }

    private static async Task<List<EventInfo>> EventsAsync(TestRecorder recorder)
    {
        var token = await VideoConnections.SignInAsync(recorder);
        using var api = recorder.CreateApiClient();
        using var request = VideoConnections.Get("/api/v1/events?limit=50", token);
        using var response = await api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize<List<EventInfo>>(await response.Content.ReadAsStringAsync(), EventJson.Options)!;
    }
}
