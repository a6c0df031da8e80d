using Microsoft.Extensions.Options;
using Nightjar.Recorder.Power;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// The recorder process: runs one host after another. A reboot from the console stops the host and, in
/// <see cref="RestartMode.InProcess"/>, starts a fresh one (new boot id, storage reopened, every console session
/// gone) in well under the time a real power cycle takes.
/// </summary>
public sealed class RecorderProcess(string[] args)
{
    public const int ConfigurationErrorExitCode = 2;

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

    /// <summary>Runs until shut down. Returns the process exit code: 0, <see cref="PowerControl.RebootExitCode"/>, or <see cref="ConfigurationErrorExitCode"/>.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(RequestStop);
        while (true)
        {
            WebApplication app;
            try
            {
                app = RecorderApp.Build(args);
            }
            catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
            {
                return ReportConfigurationError(ex);
            }

            PowerAction requested;
            RestartMode restartMode;
            await using (app)
            {
                try
                {
                    await app.StartAsync(CancellationToken.None);
                }
                catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
                {
                    return ReportConfigurationError(ex);
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

            if (requested != PowerAction.Reboot || stopRequested)
            {
                return 0;
            }

            if (restartMode == RestartMode.Exit)
            {
                return PowerControl.RebootExitCode;
            }

            // The old host is gone: hand its memory back to the system before the next one starts, as a power
            // cycle would. A reboot is rare and deliberate, so a full compacting collection costs nothing that matters.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
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

    private static int ReportConfigurationError(Exception ex)
    {
        var messages = ex is OptionsValidationException validation ? validation.Failures : [ex.Message];
        foreach (var message in messages)
        {
            System.Console.Error.WriteLine("Nightjar cannot start: " + message);
        }

        return ConfigurationErrorExitCode;
    }
}
