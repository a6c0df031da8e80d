using Microsoft.Extensions.Logging;
using Nightjar.Recording.Detection;
using Nightjar.Recording.Live;

namespace Nightjar.Recording.Motion;

/// <summary>
/// One <see cref="MotionWatcher"/> per camera that records with motion detection on, on its sub-stream where it has one
/// (the smallest picture there is), else on its main stream. A camera whose motion settings or streams change gets a new
/// watcher; one removed, disabled or switched off loses its own, which ends its open event. With an object detector,
/// each watcher also decodes colour pictures of its camera while it has motion, for the detector; what it finds at the
/// camera's minimum score or better goes to <paramref name="found"/>.
/// </summary>
internal sealed class MotionWatchers(
    Func<string, MotionChange, Task> record, SharedDetector? detector, Func<string, DetectionPicture, IReadOnlyList<Detection.Detection>, Task> found,
    string ffmpegPath, TimeProvider clock, ILoggerFactory loggers)
{
    /// <summary>Colour pictures a second of a camera with motion offered to the detector: a walker is in several.</summary>
    public const double DetectionRate = 5;

    private readonly Dictionary<string, (MotionWatcher Watcher, StreamKey Stream)> running = [];
    private readonly ILogger logger = loggers.CreateLogger<MotionWatcher>();

    /// <summary>Makes the watchers match <paramref name="cameras"/>; <paramref name="feed"/> finds a recorded stream's live fan-out.</summary>
    public async Task ApplyAsync(IReadOnlyList<CameraSource> cameras, Func<StreamKey, LiveFeed?> feed)
    {
        var wanted = cameras.Where(c => c.Enabled && c.Motion is { Enabled: true, From: MotionFrom.Nightjar })
            .ToDictionary(c => c.CameraId, c => (c.Motion, Stream: new StreamKey(c.CameraId, c.Sub is null ? StreamKind.Main : StreamKind.Sub)));
        foreach (var (cameraId, (watcher, stream)) in running.ToList())
        {
            if (!wanted.TryGetValue(cameraId, out var want) || want.Motion with { AlertOn = watcher.Settings.AlertOn } != watcher.Settings
                || want.Stream != stream)
            {
                running.Remove(cameraId);
                await watcher.DisposeAsync();
            }
        }

        foreach (var (cameraId, (settings, stream)) in wanted)
        {
            if (running.ContainsKey(cameraId) || feed(stream) is not { } live)
            {
                continue;
            }

            // Colour pictures only when there is a detector, and only while there is motion (its model is loaded then).
            Func<IFrameSource?>? colour = null;
            Action<DetectionPicture>? look = null;
            if (detector is not null)
            {
                colour = () => detector.InputSize is { } size
                    ? new DecodedFrameSource(live, ffmpegPath, new DetectionSize(size.Width, size.Height, DetectionRate), clock, logger)
                    : null;
                look = picture => detector.Offer(cameraId, picture, (seen, all) => found(cameraId, seen, [.. all.Where(d => d.Score >= settings.MinScore)]));
            }

            var watcher = new MotionWatcher(cameraId, settings, new DecodedFrameSource(live, ffmpegPath, null, clock, logger), record, colour, look, clock, logger);
            running[cameraId] = (watcher, stream);
            watcher.Start();
        }
    }

    /// <summary>Stops every watcher; open events end at their last movement.</summary>
    public Task StopAsync() => ApplyAsync([], _ => null);
}
