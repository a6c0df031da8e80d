using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Events;

/// <summary>
/// A model file the detector cannot use is a plain message, and the recorder goes on: motion events are recorded
/// without labels, and a camera set to alert on people alerts on motion instead of never.
/// </summary>
public sealed class DamagedModelTests : IAsyncLifetime
{
    private readonly string model = Path.Combine(Path.GetTempPath(), $"nightjar-model-{Guid.NewGuid():N}.onnx");
    private FakeCamera camera = null!;
    private WebhookReceiver webhook = null!;
    private TestRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        // The shipped model cut short, as a download or a disk could leave it.
        var bytes = await File.ReadAllBytesAsync(Recording.Detection.ObjectDetector.ShippedModelPath);
        await File.WriteAllBytesAsync(model, bytes[..(bytes.Length / 2)]);
        webhook = await WebhookReceiver.StartAsync();
        camera = await FakeCamera.StartAsync(walkEvery: 15, walkOffset: 20, walkSeconds: 3);
        recorder = await TestRecorder.StartAsync(
            $"--Nightjar:Detection:Model={model}",
            "--Nightjar:Cameras:0:Name=Yard", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("motion")}",
            $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("motion-sub")}", "--Nightjar:Cameras:0:AlertOn=People",
            $"--Nightjar:Notifications:Webhook:Url={webhook.Url}", "--Nightjar:Notifications:Webhook:Secret=damaged-model");
        await recorder.CompleteSetupAsync();
    }

    [Fact]
    public async Task ADamagedModel_IsAPlainMessage_AndMotionAlertsStillArrive()
    {
        var problem = recorder.Get<RecordingEngine>().DetectionProblem;
        Assert.Equal($"The object detector's model ({model}) cannot be loaded", problem?.Split(':')[0]);

        var walk = await camera.WaitForHappeningAsync(SceneHappening.Walk, 0, TimeSpan.FromSeconds(60));
        var alert = await webhook.WaitForAsync(c => c.Text.Contains("\"event.start\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "a motion alert");

        var message = JsonSerializer.Deserialize<EventMessage>(alert.Body, EventJson.Options)!;
        Assert.Empty(message.Event!.Objects);
        Assert.InRange(message.Event.Start, walk.Start - TimeSpan.FromSeconds(1), walk.Start + TimeSpan.FromSeconds(1.5));
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        await camera.DisposeAsync();
        await webhook.DisposeAsync();
        File.Delete(model);
    }
}
