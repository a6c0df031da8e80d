using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nightjar.Recorder.Cameras;
using Nightjar.Recording;

namespace Nightjar.Recorder.Tests.Cameras;

/// <summary>The Cameras feature over a real SQLite file and a real recording engine (with Debian's ffmpeg), without the web host.</summary>
public sealed class CameraHarness : IAsyncDisposable
{
    private CameraHarness(ServiceHarness services, RecordingEngine engine, string recordings)
    {
        Services = services;
        Engine = engine;
        Recordings = recordings;
    }

    public ServiceHarness Services { get; }

    public RecordingEngine Engine { get; }

    public string Recordings { get; }

    public CameraCatalog Catalog => Services.Get<CameraCatalog>();

    /// <param name="configure">More services, such as a logger provider that keeps what is logged.</param>
    public static async Task<CameraHarness> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var recordings = Path.Combine(Path.GetTempPath(), "nightjar-cam-" + Guid.NewGuid().ToString("N"));
        var engine = await RecordingEngine.StartAsync(new RecordingEngineOptions { Dir = recordings, MinFreeBytes = 0 }, TimeProvider.System, NullLoggerFactory.Instance);
        var services = await ServiceHarness.StartAsync(s =>
        {
            s.AddSingleton(engine).AddCameras();
            configure?.Invoke(s);
        });
        return new CameraHarness(services, engine, recordings);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Engine.DisposeAsync();
        Directory.Delete(Recordings, recursive: true);
    }
}
