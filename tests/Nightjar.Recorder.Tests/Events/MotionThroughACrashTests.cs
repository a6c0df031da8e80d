using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Events;

/// <summary>
/// The recorder killed (SIGKILL) in the middle of an event: at the next start the event ends where its recording
/// ended, its end goes out like any other, and MQTT says OFF again for the camera.
/// </summary>
public sealed class MotionThroughACrashTests
{
    [Fact]
    public async Task AnEventOpenAtACrash_EndsAtTheNextStart_AndMqttSaysOffAgain()
    {
        await using var broker = await MqttBroker.StartAsync();
        await using var listener = await MqttListener.StartAsync(broker);
        await using var camera = await FakeCamera.StartAsync(gop: 15, walkEvery: 30, walkOffset: 13, walkSeconds: 8);
        var dataDir = TestRecorder.NewDataDir();
        string[] args =
        [
            "--Nightjar:Cameras:0:Name=Gate", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("motion")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("motion-sub")}",
            "--Nightjar:Notifications:Mqtt:Host=127.0.0.1", $"--Nightjar:Notifications:Mqtt:Port={broker.Port}",
        ];
        try
        {
            await using (var first = await RecorderChildProcess.StartAsync(dataDir, args))
            {
                await listener.WaitForAsync(m => m.Topic == "nightjar/cfg0/motion" && m.Text == "ON", TimeSpan.FromSeconds(60), "saying the gate moved");
                await first.KillAsync(); // in the middle of the walk: the event is open
            }

            var started = JsonSerializer.Deserialize<EventMessage>(
                listener.Received.First(m => m.Topic == "nightjar/events").Payload, EventJson.Options)!;
            Assert.Equal(EventMessageTypes.Start, started.Type);

            await using var second = await RecorderChildProcess.StartAsync(dataDir, args);
            var ended = await listener.WaitForAsync(
                m => m.Topic == "nightjar/events" && JsonSerializer.Deserialize<EventMessage>(m.Payload, EventJson.Options)!.Type == EventMessageTypes.End,
                TimeSpan.FromSeconds(30), "with the event's end");
            var end = JsonSerializer.Deserialize<EventMessage>(ended.Payload, EventJson.Options)!.Event!;
            Assert.Equal(started.Event!.Id, end.Id);
            Assert.NotNull(end.End);
            Assert.InRange(end.End!.Value, started.Event.Start, started.Event.Start + TimeSpan.FromSeconds(4)); // where the recording stopped
            await listener.WaitForAsync(m => m.Topic == "nightjar/cfg0/motion" && m.Text == "OFF" && listener.Received.Last(n => n.Topic == "nightjar/cfg0/motion") == m,
                TimeSpan.FromSeconds(10), "saying OFF again");

            // The index agrees: the event ended no later than the last recording of its camera.
            await using var index = new SqliteConnection($"Data Source={Path.Combine(dataDir, "recordings", "recordings.db")};Mode=ReadOnly");
            await index.OpenAsync();
            await using var command = index.CreateCommand();
            command.CommandText = "SELECT e.end_us <= (SELECT MAX(end_us) FROM recording) FROM event e WHERE e.id = $id";
            command.Parameters.AddWithValue("$id", end.Id);
            Assert.Equal(1L, await command.ExecuteScalarAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
