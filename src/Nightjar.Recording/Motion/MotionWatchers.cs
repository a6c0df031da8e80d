using Microsoft.Extensions.Logging;
using Nightjar.Recording.Live;

namespace Nightjar.Recording.Motion;

/// <summary>
/// One <see cref="MotionWatcher"/> per camera that records with motion detection on, on its sub-stream where it has one
/// (the smallest picture there is), else on its main stream. A camera whose motion settings or streams change gets a new
/// watcher; one removed, disabled or switched off loses its own, which ends its open event.
/// </summary>
internal sealed class MotionWatchers(Func<string, MotionChange, Task> record, string ffmpegPath, TimeProvider clock, ILoggerFactory loggers)
{
    private readonly Dictionary<string, (MotionWatcher Watcher, StreamKey Stream)> running = [];
    private readonly ILogger logger = loggers.CreateLogger<MotionWatcher>();

    /// <summary>Makes the watchers match <paramref name="cameras"/>; <paramref name="feed"/> finds a recorded stream's live fan-out.</summary>
    public async Task ApplyAsync(IReadOnlyList<CameraSource> cameras, Func<StreamKey, LiveFeed?> feed)
    {
        var wanted = cameras.Where(c => c.Enabled && c.Motion.Enabled)
            .ToDictionary(c => c.CameraId, c => (c.Motion, Stream: new StreamKey(c.CameraId, c.Sub is null ? StreamKind.Main : StreamKind.Sub)));
        foreach (var (cameraId, (watcher, stream)) in running.ToList())
        {
            if (!wanted.TryGetValue(cameraId, out var want) || want.Motion != watcher.Settings || want.Stream != stream)
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

            var watcher = new MotionWatcher(cameraId, settings, new DecodedFrameSource(live, ffmpegPath, clock, logger), record, clock, logger);
            running[cameraId] = (watcher, stream);
            watcher.Start();
        }
    }

    /// <summary>Stops every watcher; open events end at their last movement.</summary>
    public Task StopAsync() => ApplyAsync([], _ => null);
}
