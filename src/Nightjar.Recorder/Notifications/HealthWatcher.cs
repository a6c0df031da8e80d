using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Hosting;
using Nightjar.Recording;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Watches the recorder's own health and says so through the alert channels: a camera offline for a minute (and back),
/// recording stopped because the disk is full or failing (and resumed), and storage faults of the data folder. Each
/// is said once when it begins and once when it ends, also on this host's live event feed.
/// </summary>
public sealed class HealthWatcher(
    RecordingEngine engine, CameraCatalog catalog, StorageHealth storage, AlertDispatcher alerts, EventFeed feed,
    EventDescriptions descriptions, TimeProvider clock, ILogger<HealthWatcher> logger) : BackgroundService
{
    /// <summary>A camera offline this long is news; a shorter drop is a blip the timeline shows anyway.</summary>
    public static readonly TimeSpan OfflineFor = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    /// <summary>What was said about each camera ("camera-offline" or "recording-stopped") and not yet taken back.</summary>
    private readonly Dictionary<string, string> said = new(StringComparer.Ordinal);
    private string? storageSaid;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckAsync();
                }
                catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
                {
                    logger.LogWarning("Health alerts could not be checked: {Message}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task CheckAsync()
    {
        var now = clock.GetUtcNow();
        foreach (var camera in await catalog.ListAsync())
        {
            var status = engine.Status(new StreamKey(camera.Id, StreamKind.Main));
            var down = status is { State: StreamState.Offline } && now - status.Since >= OfflineFor;
            var kind = status?.Problem is { } problem && problem.Contains("disk", StringComparison.Ordinal) || status?.Problem?.Contains("recordings folder", StringComparison.Ordinal) == true
                ? "recording-stopped" : "camera-offline";
            if (down && !said.ContainsKey(camera.Id))
            {
                said[camera.Id] = kind;
                var text = kind == "recording-stopped"
                    ? $"Recording of {camera.Name} stopped: {status!.Problem}."
                    : $"{camera.Name} is offline: {status!.Problem ?? "unknown reason"}.";
                await SayAsync(new HealthInfo(kind, camera.Id, camera.Name, text, now));
            }
            else if (status is { State: StreamState.Recording } && said.Remove(camera.Id, out var was))
            {
                var (backKind, text) = was == "recording-stopped"
                    ? ("recording-resumed", $"Recording of {camera.Name} resumed.")
                    : ("camera-back", $"{camera.Name} is recording again.");
                await SayAsync(new HealthInfo(backKind, camera.Id, camera.Name, text, now));
            }
        }

        var storageProblem = storage.Problem();
        if (storageProblem is not null && storageSaid is null)
        {
            storageSaid = storageProblem;
            await SayAsync(new HealthInfo("storage-fault", null, null, $"The recorder's storage has a problem: {storageProblem}.", now));
        }
        else if (storageProblem is null && storageSaid is not null)
        {
            storageSaid = null;
            await SayAsync(new HealthInfo("storage-ok", null, null, "The recorder's storage works again.", now));
        }
    }

    private async Task SayAsync(HealthInfo health)
    {
        logger.LogWarning("{Health}", health.Text);
        feed.Publish(new EventMessage(EventMessageTypes.Health, null, health, await descriptions.DeviceAsync()));
        await alerts.QueueHealthAsync(health);
    }
}
