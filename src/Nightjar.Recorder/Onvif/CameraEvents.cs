using Nightjar.Recorder.Cameras;
using Nightjar.Recording;
using Nightjar.Recording.Motion;

namespace Nightjar.Recorder.Onvif;

/// <summary>
/// The cameras' own motion detection, for each camera whose "Motion From" is Camera: a PullPoint subscription to its
/// ONVIF events (renewed while it is read; made again when the camera restarts or stops answering), whose motion
/// topics become events of kind <c>camera-motion</c> in the same index, screen and alerts as the recorder's own.
/// Several motion sources of one camera (its cell motion detector and its motion alarm) make one event while any
/// of them says something moves.
/// </summary>
public sealed class CameraEvents(CameraCatalog catalog, RecordingEngine engine, TimeProvider clock, ILogger<CameraEvents> logger) : BackgroundService
{
    /// <summary>How long a subscription lives unless renewed, and how often it is renewed.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    /// <summary>How long one PullMessages waits for an event: below the SOAP client's 5 s, so a quiet camera is no timeout.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(60);

    private readonly HttpClient http = OnvifSoap.CreateHttpClient();
    private readonly Dictionary<string, (CameraEntry Camera, CancellationTokenSource Stop, Task Reading)> reading = [];
    private readonly SemaphoreSlim changed = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        catalog.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await ApplyAsync((await catalog.ListAsync()).Where(Wanted).ToDictionary(c => c.Id), stoppingToken);
                await changed.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            catalog.Changed -= OnChanged;
            await ApplyAsync([], CancellationToken.None);
        }
    }

    private void OnChanged() => changed.Release();

    private static bool Wanted(CameraEntry camera) =>
        camera is { Enabled: true, OnvifAddress: not null, Motion: { Enabled: true, From: MotionFrom.Camera } };

    /// <summary>Reads exactly these cameras' events: a camera whose settings changed starts over.</summary>
    private async Task ApplyAsync(Dictionary<string, CameraEntry> wanted, CancellationToken stoppingToken)
    {
        // Stopped together: each ends its subscription, which may take a camera's whole timeout.
        var ending = reading.Where(r => !wanted.TryGetValue(r.Key, out var now) || now != r.Value.Camera).ToList();
        foreach (var (id, (_, stop, _)) in ending)
        {
            reading.Remove(id);
            await stop.CancelAsync();
        }

        await Task.WhenAll(ending.Select(r => r.Value.Reading));
        foreach (var (_, (_, stop, _)) in ending)
        {
            stop.Dispose();
        }

        foreach (var (id, camera) in wanted)
        {
            if (!reading.ContainsKey(id))
            {
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                reading[id] = (camera, stop, Task.Run(() => ReadAsync(id, stop.Token), CancellationToken.None));
            }
        }
    }

    /// <summary>One camera's events until stopped: subscribe, read, renew; after a failure, again after a growing pause.</summary>
    private async Task ReadAsync(string cameraId, CancellationToken stop)
    {
        var retry = FirstRetry;
        var moving = false;
        while (!stop.IsCancellationRequested)
        {
            Uri? subscription = null;
            OnvifDevice? device = null;
            try
            {
                if (await catalog.OnvifLoginAsync(cameraId) is not var (address, user, password))
                {
                    return;
                }

                device = new OnvifDevice(new OnvifSoap(http, clock), address, new OnvifCredentials(user, password));
                var services = await device.OpenAsync(clock, stop);
                subscription = await device.CreatePullPointAsync(services, Keep, stop);
                logger.LogInformation("Reading the motion events of camera {Camera} from the camera itself.", cameraId);
                var states = new Dictionary<(string Topic, string Source), bool>();
                var renewAt = clock.GetUtcNow() + RenewEvery;
                while (!stop.IsCancellationRequested)
                {
                    foreach (var notification in await device.PullMessagesAsync(subscription, Wait, stop))
                    {
                        if (notification.Moving is { } state)
                        {
                            states[(notification.Topic, notification.Source)] = state;
                        }
                    }

                    retry = FirstRetry;
                    var now = states.Values.Any(s => s);
                    if (now != moving)
                    {
                        moving = now;
                        await RecordAsync(cameraId, moving);
                    }

                    if (clock.GetUtcNow() >= renewAt)
                    {
                        await device.RenewAsync(subscription, Keep, stop);
                        renewAt = clock.GetUtcNow() + RenewEvery;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped: below.
            }
            catch (OnvifException ex)
            {
                logger.LogWarning("The motion events of camera {Camera} cannot be read ({Reason}); trying again in {Seconds} s.",
                    cameraId, ex.Message, retry.TotalSeconds);
            }

            // Nothing is known of the camera's motion until it answers again: an open event ends here.
            if (moving)
            {
                moving = false;
                await RecordAsync(cameraId, moving: false);
            }

            if (stop.IsCancellationRequested)
            {
                await UnsubscribeAsync(device, subscription);
                return;
            }

            try
            {
                await Task.Delay(retry, clock, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    /// <summary>Hands the engine a start or an end; at shutdown the engine may have stopped first, and the event then ends at its restart.</summary>
    private async Task RecordAsync(string cameraId, bool moving)
    {
        try
        {
            await engine.RecordCameraMotionAsync(cameraId, moving);
        }
        catch (ObjectDisposedException)
        {
            logger.LogDebug("The camera motion of {Camera} came after the recording engine stopped.", cameraId);
        }
    }

    /// <summary>Ends a subscription at once rather than leaving the camera to time it out (cameras allow only a few).</summary>
    private async Task UnsubscribeAsync(OnvifDevice? device, Uri? subscription)
    {
        if (device is null || subscription is null)
        {
            return;
        }

        try
        {
            await device.UnsubscribeAsync(subscription);
        }
        catch (OnvifException ex)
        {
            logger.LogDebug("The event subscription of {Subscription} was not ended: {Reason}", subscription, ex.Message);
        }
    }

    public override void Dispose()
    {
        http.Dispose();
        changed.Dispose();
        base.Dispose();
    }
}
