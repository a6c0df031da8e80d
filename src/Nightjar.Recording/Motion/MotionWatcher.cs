using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Motion;

/// <summary>
/// Watches one camera for motion: takes its pictures from an <see cref="IFrameSource"/> at up to
/// <see cref="AnalysisRate"/> a second, runs them through a <see cref="MotionDetector"/> and a
/// <see cref="MotionTracker"/>, and hands each start and end of an event, in order, to whoever records them. While an
/// event goes on, a second source decodes a few colour pictures a second of the camera for the object detector, from
/// the keyframe before the event on, and those taken while things move go to it; it stops when the event ends, so a
/// quiet camera costs no colour decoding. When the pictures stop (the camera went offline) an open event ends at its
/// last movement after <see cref="MotionTracker.QuietToEnd"/> of the recorder's own time.
/// </summary>
internal sealed class MotionWatcher : IAsyncDisposable
{
    /// <summary>Pictures analysed a second: enough for a walking person to be in several, few enough to cost little.</summary>
    public const double AnalysisRate = 8;

    /// <summary>Colour pictures go to the detector until this long after the last movement seen.</summary>
    private const long LookAfterMovementUs = 2_000_000;

    private static readonly long MinStepUs = (long)(1_000_000 / AnalysisRate) - 10_000;
    private static readonly TimeSpan SilenceCheck = TimeSpan.FromSeconds(1);

    private readonly string cameraId;
    private readonly IFrameSource frames;
    private readonly Func<string, MotionChange, Task> record;
    private readonly Func<IFrameSource?>? colourFrames;
    private readonly Action<Detection.DetectionPicture>? look;
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
    private CancellationTokenSource? looking;
    private long lastMovementUs = long.MinValue / 2;
    private Task? lookingTask;

    /// <param name="colourFrames">
    /// Makes, for each event, a source of the detector's pictures of the camera, which go to <paramref name="look"/>
    /// (null when the detector cannot be had); null without a detector.
    /// </param>
    public MotionWatcher(string cameraId, MotionSettings settings, IFrameSource frames, Func<string, MotionChange, Task> record,
        Func<IFrameSource?>? colourFrames, Action<Detection.DetectionPicture>? look, TimeProvider clock, ILogger logger)
    {
        this.cameraId = cameraId;
        Settings = settings;
        this.frames = frames;
        this.record = record;
        this.colourFrames = colourFrames;
        this.look = look;
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
            await foreach (var picture in frames.ReadAsync(cancellationToken))
            {
                var frame = (GrayFrame)picture;
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
                    var observation = detector.Analyse(frame);
                    if (observation.Region is not null)
                    {
                        Volatile.Write(ref lastMovementUs, frame.WallUs);
                    }

                    change = tracker.Observe(observation);
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
            if (change.Kind == MotionChangeKind.Started)
            {
                StartLooking(change.AtUs);
            }
            else
            {
                await StopLookingAsync();
            }

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

    /// <summary>Starts decoding colour pictures for the detector: those taken since the event began go to it.</summary>
    private void StartLooking(long sinceUs)
    {
        if (looking is not null || look is null || colourFrames is null)
        {
            return;
        }

        looking = new CancellationTokenSource();
        var token = looking.Token;
        lookingTask = Task.Run(async () =>
        {
            try
            {
                // Off the event's own path: the first event of all loads the model, which takes a moment.
                if (colourFrames() is not { } source)
                {
                    return;
                }

                await foreach (var picture in source.ReadAsync(token))
                {
                    // Only where there is motion: an event's quiet tail (five seconds with nothing moving) is not looked at,
                    // which is most of the detector's work otherwise. The grace covers the grey analysis running a little
                    // behind the colour pictures.
                    if (picture is Detection.DetectionPicture colour && colour.WallUs >= sinceUs
                        && colour.WallUs <= Volatile.Read(ref lastMovementUs) + LookAfterMovementUs)
                    {
                        look(colour);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Object detection of camera {Camera} failed for this event.", cameraId);
            }
        });
    }

    private async Task StopLookingAsync()
    {
        if (looking is null)
        {
            return;
        }

        await looking.CancelAsync();
        await lookingTask!;
        looking.Dispose();
        (looking, lookingTask) = (null, null);
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

        await StopLookingAsync();

        stopping.Dispose();
    }
}
