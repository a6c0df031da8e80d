using Microsoft.Extensions.Logging;

namespace Nightjar.Recording.Detection;

/// <summary>
/// The box's one detector, shared fairly by its cameras within a budget of inferences a second. Each camera has room
/// for one waiting picture: a newer one replaces it (the oldest pictures are dropped, never a recorded frame, which
/// never comes here). One thread takes the cameras' pictures in turn, at most <see cref="PerSecond"/> a second in all,
/// and hands each result to whoever offered the picture. The model is loaded when it is first needed (the first
/// motion), not at start: ONNX Runtime and its model take some 35 MB that a box without motion need not spend.
/// </summary>
public sealed class SharedDetector : IAsyncDisposable
{
    private readonly Lazy<ObjectDetector?> detector;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly object gate = new();
    private readonly Dictionary<string, (DetectionPicture Picture, Func<DetectionPicture, IReadOnlyList<Detection>, Task> Done)> waiting = [];
    private readonly LinkedList<string> turns = new();
    private readonly SemaphoreSlim offered = new(0, int.MaxValue);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task worker;
    private readonly TimeSpan spacing;
    private long dropped;
    private long run;

    /// <param name="load">Loads the model, or says in words why it cannot (then there is no detection).</param>
    public SharedDetector(Func<(ObjectDetector? Detector, string? Problem)> load, double perSecond, TimeProvider clock, ILogger logger)
    {
        detector = new Lazy<ObjectDetector?>(() =>
        {
            var (loaded, problem) = load();
            if (problem is not null)
            {
                Problem = problem;
                logger.LogWarning("{Problem}", problem);
            }

            return loaded;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
        this.clock = clock;
        this.logger = logger;
        PerSecond = perSecond;
        spacing = TimeSpan.FromSeconds(1 / perSecond);
        worker = Task.Run(WorkAsync);
    }

    /// <summary>The budget: inferences a second for the whole box.</summary>
    public double PerSecond { get; }

    /// <summary>The model's input size, which pictures must have (loading it the first time); null when it could not be loaded.</summary>
    public (int Width, int Height)? InputSize => detector.Value is { } loaded ? (loaded.Width, loaded.Height) : null;

    /// <summary>Why the model could not be loaded, once that was tried; null otherwise.</summary>
    public string? Problem { get; private set; }

    /// <summary>Pictures replaced by a newer one before their turn came (for figures and tests).</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Inferences run.</summary>
    public long Run => Interlocked.Read(ref run);

    /// <summary>A camera's latest picture to look at; a picture of the same camera still waiting is dropped for it.</summary>
    public void Offer(string cameraId, DetectionPicture picture, Func<DetectionPicture, IReadOnlyList<Detection>, Task> done)
    {
        lock (gate)
        {
            if (waiting.ContainsKey(cameraId))
            {
                Interlocked.Increment(ref dropped);
            }
            else
            {
                turns.AddLast(cameraId);
            }

            waiting[cameraId] = (picture, done);
        }

        offered.Release();
    }

    private async Task WorkAsync()
    {
        var last = long.MinValue;
        try
        {
            while (true)
            {
                await offered.WaitAsync(stopping.Token);
                (DetectionPicture Picture, Func<DetectionPicture, IReadOnlyList<Detection>, Task> Done)? next = null;
                lock (gate)
                {
                    // Fair: the camera whose turn it is; a camera that offers again goes to the back.
                    if (turns.First is { } first)
                    {
                        turns.RemoveFirst();
                        next = waiting[first.Value];
                        waiting.Remove(first.Value);
                    }
                }

                if (next is not { } item)
                {
                    continue; // a replaced picture's release
                }

                if (last != long.MinValue && clock.GetElapsedTime(last) < spacing)
                {
                    await Task.Delay(spacing - clock.GetElapsedTime(last), clock, stopping.Token);
                }

                last = clock.GetTimestamp();
                IReadOnlyList<Detection> found;
                try
                {
                    found = detector.Value?.Detect(item.Picture) ?? [];
                    Interlocked.Increment(ref run);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "The object detector failed on a picture.");
                    continue;
                }

                try
                {
                    await item.Done(item.Picture, found);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "What the object detector found could not be recorded.");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await worker;
        stopping.Dispose();
        offered.Dispose();
        if (detector.IsValueCreated)
        {
            detector.Value?.Dispose();
        }
    }
}
