using Microsoft.Extensions.Time.Testing;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>A real engine on a real folder and index, with a fake clock and scripted cameras.</summary>
internal sealed class ScriptedEngine : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 7, TimeSpan.Zero);

    private readonly bool ownsFolder;

    private ScriptedEngine(TemporaryFolder folder, bool ownsFolder, FakeTimeProvider clock, ScriptedCameras cameras, RecordingEngine engine, CapturedLog log)
    {
        this.ownsFolder = ownsFolder;
        Folder = folder;
        Clock = clock;
        Cameras = cameras;
        Engine = engine;
        Log = log;
    }

    public TemporaryFolder Folder { get; }

    public FakeTimeProvider Clock { get; }

    public ScriptedCameras Cameras { get; }

    public RecordingEngine Engine { get; }

    public CapturedLog Log { get; }

    /// <summary>
    /// Starts on a new folder (removed on dispose), or on <paramref name="folder"/> (left in place). The engine reads
    /// <paramref name="engineClock"/> when given (a box whose wall clock steps), else <paramref name="clock"/>.
    /// </summary>
    public static async Task<ScriptedEngine> StartAsync(
        long? maxBytes = null, TemporaryFolder? folder = null, FakeTimeProvider? clock = null, TimeProvider? engineClock = null, long minFreeBytes = 0,
        Func<long>? keptFreeForOthers = null)
    {
        var owns = folder is null;
        folder ??= new TemporaryFolder();
        clock ??= new FakeTimeProvider(Start);
        var cameras = new ScriptedCameras(clock);
        var log = new CapturedLog();
        var engine = await RecordingEngine.StartAsync(new RecordingEngineOptions { Dir = folder.Path, MaxBytes = maxBytes, MinFreeBytes = minFreeBytes, KeptFreeForOthers = keptFreeForOthers ?? (() => 0) }, engineClock ?? clock, log, cameras);
        return new ScriptedEngine(folder, owns, clock, cameras, engine, log);
    }

    public static Uri Url(string camera) => new($"rtsp://{camera}.invalid/main");

    /// <summary>A scripted camera. Its made-up fragments are not video a decoder could read, so motion detection is off.</summary>
    public static CameraSource Camera(string id) => new(id, id, new StreamEndpoint(Url(id), "", ""), null) { Motion = Nightjar.Recording.Motion.MotionSettings.Off };

    /// <summary>Starts recording <paramref name="ids"/> and returns each one's first connection, answered with the sample's init segment.</summary>
    public async Task<ScriptedSource[]> ConnectAsync(params string[] ids)
    {
        await Engine.ApplyAsync([.. ids.Select(Camera)]);
        var sources = new List<ScriptedSource>();
        foreach (var id in ids)
        {
            var source = await Cameras.NextAttemptAsync(Url(id));
            source.Connect(SampleStream.Init);
            sources.Add(source);
        }

        return [.. sources];
    }

    /// <summary>
    /// Sends <paramref name="count"/> frames to every source in turn, moving the clock on by <paramref name="perFrame"/>
    /// after each round: a camera whose clock runs fast has more media time per frame than the recorder's clock.
    /// </summary>
    public async Task FeedAsync(IReadOnlyList<ScriptedSource> sources, long firstFrame, int count, TimeSpan perFrame, Action<long>? afterFrame = null)
    {
        for (var i = 0; i < count; i++)
        {
            foreach (var source in sources)
            {
                await source.PushAsync(SampleStream.Frame(firstFrame + i));
            }

            Clock.Advance(perFrame);
            afterFrame?.Invoke(firstFrame + i);
        }
    }

    public async Task<IReadOnlyList<RecordingSummary>> RecordingsAsync(string camera) =>
        [.. (await Engine.Index.GetAllRecordingsAsync()).Where(r => r.Stream.CameraId == camera)];

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        if (ownsFolder)
        {
            Folder.Dispose();
        }
    }
}
