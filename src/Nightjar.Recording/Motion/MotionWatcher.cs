using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Motion;

/// <summary>
/// Watches one camera for motion: takes its pictures from an <see cref="IFrameSource"/> at up to
/// <see cref="AnalysisRate"/> a second, runs them through a <see cref="MotionDetector"/> and a
/// <see cref="MotionTracker"/>, and hands each start and end of an event, in order, to whoever records them. When the
/// pictures stop (the camera went offline) an open event ends at its last movement after
/// <see cref="MotionTracker.QuietToEnd"/> of the recorder's own time.
/// </summary>
internal sealed class MotionWatcher : IAsyncDisposable
{
    /// <summary>Pictures analysed a second: enough for a walking person to be in several, few enough to cost little.</summary>
    public const double AnalysisRate = 8;

    private static readonly long MinStepUs = (long)(1_000_000 / AnalysisRate) - 10_000;
    private static readonly TimeSpan SilenceCheck = TimeSpan.FromSeconds(1);

    private readonly string cameraId;
    private readonly IFrameSource frames;
    private readonly Func<string, MotionChange, Task> record;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly MotionDetector detector;
    private readonly MotionTracker tracker = new();
    private readonly Channel<MotionChange> changes = Channel.CreateUnbounded<MotionChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stopping = new();
    private readonly object gate = new();
    private long lastFrameAt;
    private long lastAnalysedUs;
    private Task? reading;
    private Task? recording;
    private ITimer? silence;

    public MotionWatcher(string cameraId, MotionSettings settings, IFrameSource frames, Func<string, MotionChange, Task> record, TimeProvider clock, ILogger logger)
    {
        this.cameraId = cameraId;
        Settings = settings;
        this.frames = frames;
        this.record = record;
        this.clock = clock;
        this.logger = logger;
        detector = new MotionDetector(settings);
    }

    public MotionSettings Settings { get; }

    /// <summary>Pictures analysed so far (for tests and figures).</summary>
    public long Analysed { get; private set; }

    public void Start()
    {
        lastFrameAt = clock.GetTimestamp();
        recording = Task.Run(RecordAsync);
        reading = Task.Run(() => ReadAsync(stopping.Token));
        silence = clock.CreateTimer(_ => EndIfSilent(), null, SilenceCheck, SilenceCheck);
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in frames.ReadAsync(cancellationToken))
            {
                MotionChange? change;
                lock (gate)
                {
                    lastFrameAt = clock.GetTimestamp();
                    if (frame.WallUs > lastAnalysedUs && frame.WallUs - lastAnalysedUs < MinStepUs)
                    {
                        continue;
                    }

                    lastAnalysedUs = frame.WallUs;
                    Analysed++;
                    change = tracker.Observe(detector.Analyse(frame));
                }

                if (change is not null)
                {
                    changes.Writer.TryWrite(change);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A bug here must not touch recording: say so, and this camera goes without motion detection until restarted.
            logger.LogError(ex, "Motion detection of camera {Camera} failed.", cameraId);
        }
    }

    private void EndIfSilent()
    {
        lock (gate)
        {
            if (tracker.IsActive && clock.GetElapsedTime(lastFrameAt) >= MotionTracker.QuietToEnd && tracker.Stop() is { } end)
            {
                changes.Writer.TryWrite(end);
            }
        }
    }

    /// <summary>Hands the changes on one at a time, in order, so an end is never recorded before its start.</summary>
    private async Task RecordAsync()
    {
        await foreach (var change in changes.Reader.ReadAllAsync())
        {
            try
            {
                await record(cameraId, change);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "An event of camera {Camera} could not be recorded.", cameraId);
            }
        }
    }

    /// <summary>Stops watching; an event still open ends at its last movement.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (silence is not null)
        {
            await silence.DisposeAsync();
        }

        if (reading is not null)
        {
            await reading;
        }

        lock (gate)
        {
            if (tracker.Stop() is { } end)
            {
                changes.Writer.TryWrite(end);
            }
        }

        changes.Writer.TryComplete();
        if (recording is not null)
        {
            await recording;
        }

        stopping.Dispose();
    }
}
