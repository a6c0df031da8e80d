using Microsoft.Extensions.Options;
using Nightjar.Recorder.Power;
using Nightjar.Recorder.Recordings;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// The recorder process: the recording engine, and one console/API host after another on top of it. A reboot from
/// the console stops both and, in <see cref="RestartMode.InProcess"/>, starts them again (new boot id, storage
/// reopened, every console session gone) in well under the time a real power cycle takes. The console restart after
/// a password reset replaces only the host: the engine, and every recording, goes on.
/// </summary>
public sealed class RecorderProcess(string[] args)
{
    public const int ConfigurationErrorExitCode = StartFailure.ConfigurationError;

    /// <summary>EX_IOERR: a folder cannot be used. Not restarted by systemd (deploy/nightjar.service), because it would fail again.</summary>
    public const int StorageErrorExitCode = StartFailure.FolderNotWritable;

    private readonly object gate = new();
    private WebApplication? current;
    private bool stopRequested;

    /// <summary>The host that is running now, or null between hosts. Tests use it to reach the running services.</summary>
    public WebApplication? Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>Runs until shut down. Returns the process exit code: 0, <see cref="PowerControl.RebootExitCode"/>, or one of <see cref="StartFailure"/>'s codes.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(RequestStop);
        await using var recording = new RecordingRuntime();
        while (true)
        {
            WebApplication app;
            try
            {
                app = await RecorderApp.BuildAsync(args, recording);
            }
            catch (Exception ex) when (StartFailure.Explain(ex, "the data or recordings folder") is { } failure)
            {
                return Report(failure);
            }

            PowerAction requested;
            RestartMode restartMode;
            await using (app)
            {
                try
                {
                    await app.StartAsync(CancellationToken.None);
                }
                catch (Exception ex) when (StartFailure.Explain(ex, "the data folder " + DataDirOf(app)) is { } failure)
                {
                    await recording.StopAsync("recorder could not start");
                    return Report(failure);
                }

                lock (gate)
                {
                    current = app;
                    if (stopRequested)
                    {
                        app.Lifetime.StopApplication();
                    }
                }

                await app.WaitForShutdownAsync(CancellationToken.None);
                lock (gate)
                {
                    current = null;
                }

                requested = app.Services.GetRequiredService<PowerControl>().Requested;
                restartMode = app.Services.GetRequiredService<IOptions<PowerOptions>>().Value.RestartMode;
            }

            if (stopRequested || requested is PowerAction.None or PowerAction.ShutDown)
            {
                await recording.StopAsync(requested == PowerAction.ShutDown ? "recorder shut down" : "recorder stopped");
                return 0;
            }

            if (requested == PowerAction.Reboot)
            {
                await recording.StopAsync("recorder rebooted");
                if (restartMode == RestartMode.Exit)
                {
                    return PowerControl.RebootExitCode;
                }
            }

            // The old host is gone: hand its memory back to the system before the next one starts, as a power
            // cycle would. A restart is rare and deliberate, so a full compacting collection costs nothing that matters.
            ProcessMemory.ReturnUnused();
        }
    }

    private void RequestStop()
    {
        lock (gate)
        {
            stopRequested = true;
            current?.Lifetime.StopApplication();
        }
    }

    private static string DataDirOf(WebApplication app) => app.Services.GetRequiredService<IOptions<RecorderOptions>>().Value.DataDirFullPath;

    private static int Report(StartFailure failure)
    {
        foreach (var line in failure.Lines)
        {
            System.Console.Error.WriteLine("Nightjar cannot start: " + line);
        }

        return failure.ExitCode;
    }
}
