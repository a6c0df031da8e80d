using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Notifications;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Notifications;

/// <summary>
/// MQTT alerts against a real mosquitto broker that restarts, refuses the password, speaks no TLS, or is down for
/// long: no alert is lost, the delivery log says why in words, and a broker down for long costs at most
/// <see cref="AlertDispatcher.MaxWaitingPerCamera"/> waiting alerts per camera, the rest folded into the newest.
/// </summary>
public sealed class MqttDeliveryTests
{
    private static Task<TestRecorder> StartAsync(int port, params string[] more) =>
        TestRecorder.StartAsync(["--Nightjar:Notifications:Mqtt:Host=127.0.0.1", $"--Nightjar:Notifications:Mqtt:Port={port}", .. more]);

    private static List<EventMessage> Events(MqttListener listener) =>
        [.. listener.Received.Where(m => m.Topic == "nightjar/events").Select(m => JsonSerializer.Deserialize<EventMessage>(m.Payload, EventJson.Options)!)];

    [Fact]
    public async Task TheBrokerRestartedMidRun_LosesNoAlert_AndTheyArriveInOrder()
    {
        await using var broker = await MqttBroker.StartAsync();
        await using var listener = await MqttListener.StartAsync(broker);
        await using var recorder = await StartAsync(broker.Port);
        await AlertRun.MakeEventAsync(recorder);
        await listener.WaitForAsync(m => m.Topic == "nightjar/events", TimeSpan.FromSeconds(20), "for the first event");

        await broker.StopAsync();
        await AlertRun.MakeEventAsync(recorder);
        await AlertRun.MakeEventAsync(recorder);
        await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Mqtt, r => r.Any(x => AlertRun.Is(x.State, OutboxState.Retrying)), TimeSpan.FromSeconds(20));
        await broker.RestartAsync();

        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Mqtt, r => r.Count == 6 && r.All(x => AlertRun.Is(x.State, OutboxState.Sent)), TimeSpan.FromSeconds(60));
        // At least once: a message in flight when the broker stopped may come twice, so the ends are counted by event.
        await listener.WaitForAsync(_ => Events(listener).Where(e => e.Type == EventMessageTypes.End).Select(e => e.Event!.Id).Distinct().Count() == 3,
            TimeSpan.FromSeconds(20), "for the three ends");
        var seen = Events(listener).Select(e => (e.Event!.Id, e.Type)).ToList();
        Assert.Equal(
            [(1L, EventMessageTypes.Start), (1L, EventMessageTypes.End), (2L, EventMessageTypes.Start), (2L, EventMessageTypes.End), (3L, EventMessageTypes.Start), (3L, EventMessageTypes.End)],
            seen.Distinct());
        Assert.Contains(rows, r => r.Attempts > 1); // those two waited out the restart
    }

    [Fact]
    public async Task AWrongBrokerPassword_IsSaidPlainly_AndNeverSent()
    {
        await using var broker = await MqttBroker.StartAsync("nightjar", "right-password-1");
        await using var recorder = await StartAsync(broker.Port, "--Nightjar:Notifications:Mqtt:UserName=nightjar", "--Nightjar:Notifications:Mqtt:Password=wrong-password-2");

        await AlertRun.MakeEventAsync(recorder);

        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Mqtt, r => r.Any(x => AlertRun.Is(x.State, OutboxState.Retrying)), TimeSpan.FromSeconds(20));
        Assert.Equal("the broker refused the user name or password", rows.First(r => AlertRun.Is(r.State, OutboxState.Retrying)).Error);
        Assert.DoesNotContain(rows, r => r.Error?.Contains("wrong-password-2", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TlsToABrokerWithoutIt_IsSaidPlainly()
    {
        await using var broker = await MqttBroker.StartAsync();
        await using var recorder = await StartAsync(broker.Port, "--Nightjar:Notifications:Mqtt:Tls=true");

        await AlertRun.MakeEventAsync(recorder);

        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Mqtt, r => r.Any(x => AlertRun.Is(x.State, OutboxState.Retrying)), TimeSpan.FromSeconds(20));
        Assert.StartsWith("TLS failed", rows.First(r => AlertRun.Is(r.State, OutboxState.Retrying)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokerDownForLong_HoldsABoundedQueue_AndFoldsTheRestIntoTheNewest()
    {
        await using var broker = await MqttBroker.StartAsync();
        await broker.StopAsync();
        await using var recorder = await StartAsync(broker.Port);

        for (var i = 0; i < 40; i++)
        {
            await AlertRun.MakeEventAsync(recorder, seconds: 0.5);
        }

        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Mqtt, r => r.Count + r.Sum(x => x.Folded) == 80, TimeSpan.FromSeconds(30));
        Assert.Equal(AlertDispatcher.MaxWaitingPerCamera, rows.Count);
        Assert.Equal(60, rows[^1].Folded);

        await using var listener = await MqttListener.StartAsync(await RestartedAsync(broker));
        await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Mqtt, r => r.All(x => AlertRun.Is(x.State, OutboxState.Sent)), TimeSpan.FromSeconds(60));
        var last = await listener.WaitForAsync(m => m.Topic == "nightjar/events" && m.Text.Contains("\"more\":60", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "with the folded count");
        Assert.Equal(EventMessageTypes.End, JsonSerializer.Deserialize<EventMessage>(last.Payload, EventJson.Options)!.Type);
        var motion = await listener.WaitForAsync(m => m.Topic == $"nightjar/{AlertRun.Camera}/motion", TimeSpan.FromSeconds(10), "with the camera's state");
        Assert.Equal("OFF", listener.Received.Last(m => m.Topic == $"nightjar/{AlertRun.Camera}/motion").Text);
        _ = motion;

        static async Task<MqttBroker> RestartedAsync(MqttBroker broker)
        {
            await broker.RestartAsync();
            return broker;
        }
    }
}
