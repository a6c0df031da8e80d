using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.EndToEnd;

/// <summary>The recorded camera of <see cref="RecordedCamera"/>, shared by the tests of one class.</summary>
public sealed class RecordedCameraFixture : IAsyncLifetime
{
    public RecordedCamera Recorded { get; private set; } = null!;

    public TestRecorder Recorder => Recorded.Recorder;

    public async Task InitializeAsync() => Recorded = await RecordedCamera.StartAsync();

    public async Task DisposeAsync() => await Recorded.DisposeAsync();
}
