using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.EndToEnd;

/// <summary>
/// A recorder for the web app's tests: the fake camera's scene (its wall time drawn into every picture, a box walking
/// across every 15 s) as "Front Door" with a sub-stream, and the same camera's main stream under a hostile name from the
/// bad-input corpus, which every screen must show as text.
/// </summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    public const string HostileName = "<img src=x onerror=alert(1)>\"'&Porch";

    public FakeCamera Camera { get; private set; } = null!;

    public TestRecorder Recorder { get; private set; } = null!;

    /// <summary>When the recorder began (its recordings of the camera begin a moment later).</summary>
    public DateTimeOffset RecordingSince { get; private set; }

    public async Task InitializeAsync()
    {
        Camera = await FakeCamera.StartAsync(gop: 15, timeCode: true, walkEvery: 15, walkOffset: 8, walkSeconds: 3);
        RecordingSince = TimeProvider.System.GetUtcNow();
        Recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={Camera.Url("motion")}",
            $"--Nightjar:Cameras:0:SubStreamUrl={Camera.Url("motion-sub")}",
            $"--Nightjar:Cameras:1:Name={HostileName}", $"--Nightjar:Cameras:1:StreamUrl={Camera.Url("motion")}",
            "--Nightjar:Cameras:1:Motion:Enabled=false");
        await Recorder.CompleteSetupAsync();
    }

    public async Task DisposeAsync()
    {
        await Recorder.DisposeAsync();
        await Camera.DisposeAsync();
    }
}
