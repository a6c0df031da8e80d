using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.EndToEnd;

/// <summary>
/// A recorder watching the fake camera's scripted scene, its wall time drawn into every picture: a grey box walks
/// across every 15 s from 15 s on; once two walks have become events (their ends included) the camera is switched off,
/// so the tests see exactly those two.
/// </summary>
public sealed class WalkingCameraFixture : IAsyncLifetime
{
    public FakeCamera Camera { get; private set; } = null!;

    public TestRecorder Recorder { get; private set; } = null!;

    public MqttBroker Broker { get; private set; } = null!;

    public IReadOnlyList<SceneHappening> Walks { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Broker = await MqttBroker.StartAsync();
        Camera = await FakeCamera.StartAsync(gop: 15, timeCode: true, walkEvery: 15, walkOffset: 15, walkSeconds: 3);
        Recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={Camera.Url("motion")}",
            $"--Nightjar:Cameras:0:SubStreamUrl={Camera.Url("motion-sub")}");
        await Recorder.CompleteSetupAsync();
        Walks = [await Camera.WaitForHappeningAsync(SceneHappening.Walk, 0, TimeSpan.FromSeconds(60)),
            await Camera.WaitForHappeningAsync(SceneHappening.Walk, 1, TimeSpan.FromSeconds(30))];
        await Task.Delay(Walks[^1].End - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(7));
        await Camera.KillAsync();
    }

    public async Task DisposeAsync()
    {
        await Recorder.DisposeAsync();
        await Camera.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
