using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>The recorded camera of <see cref="RecordedCamera"/> and an app token for it, shared by tests that only read.</summary>
public sealed class RecordingCameraFixture : IAsyncLifetime
{
    public const string CameraId = RecordedCamera.CameraId;

    private RecordedCamera recorded = null!;

    public TestRecorder Recorder => recorded.Recorder;

    public string Token { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        recorded = await RecordedCamera.StartAsync();
        Token = await VideoConnections.SignInAsync(Recorder);
    }

    public async Task DisposeAsync() => await recorded.DisposeAsync();
}
