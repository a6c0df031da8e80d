using Nightjar.Recording;

namespace Nightjar.Recorder.Recordings;

/// <summary>
/// Holds the recording engine for the life of the process, across console hosts: a host restart after a password
/// reset finds the engine running and leaves it alone; only Reboot, Shut Down and the end of the process stop it.
/// The engine logs through its own logger factory, because each host's dies with the host.
/// </summary>
public sealed class RecordingRuntime : IAsyncDisposable
{
    private RecordingEngine? engine;
    private ILoggerFactory? loggers;

    /// <summary>The running engine, or a new one on <paramref name="options"/>. Throws <see cref="IOException"/> when the folder cannot be used.</summary>
    public async Task<RecordingEngine> EnsureStartedAsync(RecordingEngineOptions options, IConfiguration configuration, TimeProvider clock)
    {
        if (engine is not null)
        {
            return engine;
        }

        loggers = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddConsole());
        try
        {
            engine = await RecordingEngine.StartAsync(options, clock, loggers);
        }
        catch
        {
            loggers.Dispose();
            loggers = null;
            throw;
        }

        return engine;
    }

    /// <summary>Stops recording (every file closed and indexed), saying why, so the next start can name the gap.</summary>
    public async Task StopAsync(string reason)
    {
        if (engine is null)
        {
            return;
        }

        await engine.StopAsync(reason);
        await engine.DisposeAsync();
        engine = null;
        loggers?.Dispose();
        loggers = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync("recorder stopped"));
}
