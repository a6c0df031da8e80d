using Microsoft.Extensions.Logging;
using Nightjar.Recording.Detection;
using Nightjar.Recording.Events;
using Nightjar.Recording.Ingest;
using Nightjar.Recording.Live;
using Nightjar.Recording.Motion;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording;

/// <summary>
/// Records every camera stream to the recordings folder: one ffmpeg child per stream, files of about a minute, the
/// index, retention, a live fan-out of the same fragments, and motion events from a low-rate decode of that fan-out.
/// It lives for the whole process, outside the console/API host, so restarting the console (after a password reset,
/// say) never interrupts a recording or an event.
/// </summary>
public sealed class RecordingEngine : IAsyncDisposable
{
    public const string CrashReason = "recorder stopped unexpectedly (crash or power cut)";

    private static readonly TimeSpan FlushPeriod = TimeSpan.FromSeconds(1);

    /// <summary>After a flush round fails in a way nobody foresaw, wait this long before the next, so a fault that repeats does not spin.</summary>
    private static readonly TimeSpan UnexpectedFailurePause = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Index commits failing this long is a storage fault the owner is told of (health alert, <c>/healthz</c>); a
    /// shorter failure (a busy database, a moment of a full disk) is only logged, and the files it left out are indexed
    /// at the next commit that works.
    /// </summary>
    public static readonly TimeSpan IndexProblemAfter = TimeSpan.FromSeconds(30);

    /// <summary>Recordings closer than this are one span: the rounding of wall times, never a real gap.</summary>
    private static readonly TimeSpan ContiguousWithin = TimeSpan.FromMilliseconds(100);

    /// <summary>Kept events may protect at most this share of the recordings space, so retention always has room to work.</summary>
    public const double KeptShare = 0.2;

    private readonly RecordingEngineOptions options;
    private readonly TimeProvider clock;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly IFragmentSourceFactory sources;
    private readonly IndexFlusher flusher;
    private readonly Retention retention;
    private readonly EventPictures pictures;
    private readonly EventRecorder eventRecorder;
    private readonly MotionWatchers watchers;
    private readonly SharedDetector? detector;
    private readonly string? detectionProblem;
    private readonly RecordingsFolderLock folderLock;
    private readonly Playback.ExcerptPlans excerptPlans;
    private readonly FileLeases leases;
    private readonly long runId;
    private readonly string? restartReason;
    private readonly IReadOnlyDictionary<StreamKey, (long LastEndUs, string? PendingGapReason)> previousEnds;
    private readonly SemaphoreSlim changes = new(1, 1);
    private readonly SemaphoreSlim indexWork = new(1, 1);
    private readonly object gate = new();
    private readonly Dictionary<StreamKey, StreamSupervisor> supervisors = [];
    private readonly Dictionary<StreamKey, StreamRecorder> recorders = [];
    private readonly Dictionary<StreamKey, LiveFeed> feeds = [];
    private readonly Dictionary<StreamKey, StreamStatus> disabled = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Task flushLoop;
    private bool stopped;

    // Since when index commits have failed, and why (guarded by gate); null while they work.
    private (DateTimeOffset Since, string Why)? indexFailure;

    private RecordingEngine(RecordingEngineOptions options, TimeProvider clock, ILoggerFactory loggers, IFragmentSourceFactory sources,
        RecordingLayout layout, RecordingsFolderLock folderLock, RecordingIndex index, EventIndex events, EventPictures pictures, long runId, string? restartReason,
        IReadOnlyDictionary<StreamKey, (long, string?)> previousEnds, long usedBytes, ObjectDetector? ownModel, string? detectionProblem)
    {
        this.options = options;
        this.folderLock = folderLock;
        this.clock = clock;
        excerptPlans = new Playback.ExcerptPlans(clock);
        leases = new FileLeases(clock);
        this.loggers = loggers;
        this.sources = sources;
        this.runId = runId;
        this.restartReason = restartReason;
        this.previousEnds = previousEnds;
        logger = loggers.CreateLogger<RecordingEngine>();
        Layout = layout;
        Index = index;
        Events = events;
        this.pictures = pictures;
        flusher = new IndexFlusher(index, logger);
        retention = new Retention(index, layout, options, events, pictures, leases, logger);
        retention.Add(usedBytes);
        eventRecorder = new EventRecorder(events, pictures, cameraId => Live(new StreamKey(cameraId, StreamKind.Main)), retention.Add, clock,
            loggers.CreateLogger<EventRecorder>());
        eventRecorder.Changed += change => EventChanged?.Invoke(change);
        this.detectionProblem = detectionProblem;
        detector = detectionProblem is not null ? null : new SharedDetector(
            () => ownModel is not null ? (ownModel, null) : (ObjectDetector.Load(ObjectDetector.ShippedModelPath, shipped: true, out var problem), problem),
            options.DetectionPerSecond, clock, loggers.CreateLogger<SharedDetector>());
        watchers = new MotionWatchers(eventRecorder.RecordAsync, detector, eventRecorder.AddDetectionsAsync, options.FfmpegPath, clock, loggers);
        flushLoop = Task.Run(FlushLoopAsync);
    }

    public RecordingLayout Layout { get; }

    public RecordingIndex Index { get; }

    /// <summary>The events in the index, and their change log.</summary>
    public EventIndex Events { get; }

    public RecordingEngineOptions Options => options;

    /// <summary>Why events carry no people or vehicles (the detector's model is missing or damaged), in words; null when they do.</summary>
    public string? DetectionProblem => detectionProblem ?? detector?.Problem;

    /// <summary>The object detector's figures: inferences run, and pictures dropped because the budget was spent; null without one.</summary>
    public (long Run, long Dropped)? DetectionFigures => detector is null ? null : (detector.Run, detector.Dropped);

    /// <summary>
    /// Why the recordings index has not been written for <see cref="IndexProblemAfter"/> or longer, in a phrase; null
    /// when it is being written. Recording goes on meanwhile, but new files are not listed and retention waits.
    /// </summary>
    public string? IndexProblem
    {
        get
        {
            lock (gate)
            {
                return indexFailure is { } failure && clock.GetUtcNow() - failure.Since >= IndexProblemAfter
                    ? $"the recordings index cannot be written ({failure.Why}), so new recordings are not listed and old ones are not deleted"
                    : null;
            }
        }
    }

    /// <summary>For tests: runs at the start of every flush round, so a test can make rounds fail as an unforeseen fault would.</summary>
    internal Action? BeforeFlush { get; set; }

    /// <summary>A stream changed state, or its figures were updated (at most once a second per stream).</summary>
    public event Action? Changed;

    /// <summary>An event started, got its pictures or ended; the change is already in <see cref="Events"/>' change log.</summary>
    public event Action<EventChange>? EventChanged;

    /// <summary>
    /// Opens the recordings folder, reconciles it with its index, and starts the flush and retention loop. No camera
    /// records until <see cref="ApplyAsync"/> says which. Throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> when the folder cannot be used, and <see cref="FileNotFoundException"/>
    /// when <see cref="RecordingEngineOptions.FfmpegPath"/> names no program (<see cref="ProgramSearch"/>).
    /// </summary>
    public static Task<RecordingEngine> StartAsync(RecordingEngineOptions options, TimeProvider clock, ILoggerFactory loggers) =>
        StartAsync(options, clock, loggers, new FfmpegSourceFactory(ProgramSearch.Require(options.FfmpegPath), loggers.CreateLogger<FfmpegSource>()));

    internal static async Task<RecordingEngine> StartAsync(RecordingEngineOptions options, TimeProvider clock, ILoggerFactory loggers, IFragmentSourceFactory sources)
    {
        // Resolved once, to an absolute path: a bare name handed to Process.Start would be looked for in the working folder first.
        options = options with { FfmpegPath = ProgramSearch.Require(options.FfmpegPath) };
        var layout = new RecordingLayout(options.Dir);
        OwnerOnly.Folder(layout.Root);
        var folderLock = RecordingsFolderLock.Take(layout);
        try
        {
            return await StartAsync(options, clock, loggers, sources, layout, folderLock);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    private static async Task<RecordingEngine> StartAsync(
        RecordingEngineOptions options, TimeProvider clock, ILoggerFactory loggers, IFragmentSourceFactory sources, RecordingLayout layout, RecordingsFolderLock folderLock)
    {
        OwnerOnly.DatabaseFile(layout.IndexPath);
        var index = await RecordingIndex.OpenAsync(layout.IndexPath);
        await new Reconciler(index, layout, loggers.CreateLogger<Reconciler>()).RunAsync();
        var events = new EventIndex(index);
        var pictures = new EventPictures(layout, options.FfmpegPath, loggers.CreateLogger<EventPictures>());
        await pictures.ReconcileAsync(events);
        // Events a crash left open end where their recordings did; their ends go out as alerts like any other.
        await events.EndLeftOpenAsync(clock.GetUtcNow());
        var (runId, previous) = await index.BeginEngineRunAsync(clock.GetUtcNow());
        var restartReason = previous is null ? null : previous.Stopped is null ? CrashReason : previous.StopReason;
        var ends = await index.GetStreamEndsAsync();
        var used = await index.GetTotalBytesAsync() + await events.PictureBytesAsync();
        // The shipped model's checksum is checked now, and ONNX Runtime loads it at the first motion; a model of the
        // owner's, whose checksum nobody knows, is checked by loading it now.
        ObjectDetector? ownModel = null;
        string? detectionProblem;
        if (options.DetectionModel is { } own)
        {
            ownModel = ObjectDetector.Load(own, shipped: false, out detectionProblem);
        }
        else
        {
            detectionProblem = ObjectDetector.Check(ObjectDetector.ShippedModelPath, shipped: true);
        }

        if (detectionProblem is not null)
        {
            loggers.CreateLogger<RecordingEngine>().LogWarning("{Problem}", detectionProblem);
        }

        return new RecordingEngine(options, clock, loggers, sources, layout, folderLock, index, events, pictures, runId, restartReason, ends, used,
            ownModel, detectionProblem);
    }

    /// <summary>Every configured stream's state.</summary>
    public IReadOnlyList<StreamStatus> Streams
    {
        get
        {
            lock (gate)
            {
                return [.. supervisors.Values.Select(s => s.Status).Concat(disabled.Values)];
            }
        }
    }

    public StreamStatus? Status(StreamKey stream)
    {
        lock (gate)
        {
            return supervisors.TryGetValue(stream, out var supervisor) ? supervisor.Status : disabled.GetValueOrDefault(stream);
        }
    }

    /// <summary>The live fan-out of a stream that is being recorded, or null.</summary>
    public LiveFeed? Live(StreamKey stream)
    {
        lock (gate)
        {
            return supervisors.ContainsKey(stream) ? feeds.GetValueOrDefault(stream) : null;
        }
    }

    /// <summary>
    /// Records exactly these cameras from now on. Streams whose URL and credentials did not change go on untouched
    /// (no reconnect, no new file); changed ones reconnect; removed or disabled ones stop.
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<CameraSource> cameras)
    {
        await changes.WaitAsync();
        try
        {
            if (stopped)
            {
                return;
            }

            var wanted = cameras.Where(c => c.Enabled).SelectMany(c => c.Streams()).ToDictionary(s => s.Key, s => s.Endpoint);
            var stop = new List<(StreamSupervisor Supervisor, string Reason)>();
            lock (gate)
            {
                foreach (var (key, supervisor) in supervisors)
                {
                    if (!wanted.TryGetValue(key, out var endpoint))
                    {
                        var camera = cameras.FirstOrDefault(c => c.CameraId == key.CameraId);
                        stop.Add((supervisor, camera is null ? "camera removed" : camera.Enabled ? "sub-stream removed" : "camera disabled"));
                    }
                    else if (endpoint != supervisor.Endpoint)
                    {
                        stop.Add((supervisor, "camera settings changed"));
                    }
                }

                foreach (var (supervisor, _) in stop)
                {
                    supervisors.Remove(supervisor.Key);
                }

                disabled.Clear();
                foreach (var camera in cameras.Where(c => !c.Enabled))
                {
                    foreach (var (key, _) in camera.Streams())
                    {
                        disabled[key] = new StreamStatus(key, StreamState.Disabled, null, null, clock.GetUtcNow());
                    }
                }
            }

            foreach (var (supervisor, reason) in stop)
            {
                await supervisor.StopAsync(reason);
                await supervisor.DisposeAsync();
            }

            foreach (var (key, endpoint) in wanted)
            {
                bool running;
                lock (gate)
                {
                    running = supervisors.ContainsKey(key);
                }

                if (!running)
                {
                    await StartStreamAsync(key, endpoint);
                }
            }

            await watchers.ApplyAsync(cameras, Live);
        }
        finally
        {
            changes.Release();
        }

        Changed?.Invoke();
    }

    private async Task StartStreamAsync(StreamKey key, StreamEndpoint endpoint)
    {
        await Index.EnsureStreamAsync(key);
        StreamSupervisor supervisor;
        lock (gate)
        {
            if (!recorders.TryGetValue(key, out var recorder))
            {
                var (lastEnd, pendingReason) = previousEnds.TryGetValue(key, out var end) ? end : (0, null);
                var reason = lastEnd == 0 ? null : pendingReason ?? restartReason;
                recorder = new StreamRecorder(key, Layout, clock, loggers.CreateLogger<StreamRecorder>(), lastEnd, reason, options.FilePeriod);
                recorders[key] = recorder;
            }

            if (!feeds.TryGetValue(key, out var feed))
            {
                feed = new LiveFeed(key, options.MaxKeyframeInterval);
                feeds[key] = feed;
            }

            supervisor = new StreamSupervisor(key, endpoint, sources, recorder, feed, options.MaxKeyframeInterval, clock, loggers.CreateLogger<StreamSupervisor>(), () => Changed?.Invoke());
            supervisors[key] = supervisor;
        }

        supervisor.Start();
    }

    /// <summary>
    /// The recorded spans and the gaps of a stream over [<paramref name="from"/>, <paramref name="to"/>), from the index
    /// alone. Recordings that follow each other without a break (within a run) form one span; a gap ends where the next
    /// recording starts and carries that recording's reason. While a stream is down, the gap from its last recording
    /// to now carries the reason it is down.
    /// </summary>
    public async Task<Timeline> GetTimelineAsync(StreamKey stream, DateTimeOffset from, DateTimeOffset to)
    {
        var recordings = await Index.GetRecordingsAsync(stream, from, to);
        var spans = new List<TimelineSpan>();
        var gaps = new List<TimelineGap>();
        foreach (var recording in recordings)
        {
            if (spans.Count > 0 && recording.Start - spans[^1].End <= ContiguousWithin)
            {
                spans[^1] = spans[^1] with { End = recording.End };
                continue;
            }

            if (spans.Count > 0)
            {
                gaps.Add(new TimelineGap(spans[^1].End, recording.Start, recording.GapReason));
            }

            spans.Add(new TimelineSpan(recording.Start, recording.End));
        }

        var now = clock.GetUtcNow();
        if (spans.Count > 0 && Status(stream) is { State: not StreamState.Recording } status && spans[^1].End < to && now - spans[^1].End > ContiguousWithin)
        {
            gaps.Add(new TimelineGap(spans[^1].End, now < to ? now : to, status.Problem ?? status.Text.ToLowerInvariant()));
        }

        return new Timeline(stream, from, to, spans, gaps);
    }

    /// <summary>
    /// The latest picture of a stream as a JPEG: its last live keyframe, or, while the camera is offline, the last
    /// keyframe on disk. Null when there is neither.
    /// </summary>
    public async Task<(byte[] Jpeg, bool Live)?> SnapshotAsync(StreamKey stream, CancellationToken cancellationToken)
    {
        if (Live(stream)?.LatestKeyframe() is { } live)
        {
            return await SnapshotMaker.MakeAsync(options.FfmpegPath, live.Init.Bytes, live.Keyframe.Bytes, cancellationToken) is { } jpeg ? (jpeg, true) : null;
        }

        var last = await Index.GetLastRecordingAsync(stream);
        if (last is null)
        {
            return null;
        }

        var keyframe = (await Index.GetFragmentsAsync(last.Id)).LastOrDefault(e => e.IsKeyframe);
        if (keyframe == default)
        {
            return null;
        }

        await using var file = new FileStream(Layout.FullPath(last.Path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var init = new byte[last.InitBytes];
        await file.ReadExactlyAsync(init, cancellationToken);
        var fragment = new byte[keyframe.Size];
        file.Position = keyframe.Offset;
        await file.ReadExactlyAsync(fragment, cancellationToken);
        return await SnapshotMaker.MakeAsync(options.FfmpegPath, init, fragment, cancellationToken) is { } recorded ? (recorded, false) : null;
    }

    /// <summary>
    /// The excerpt of a stream over [<paramref name="from"/>, <paramref name="to"/>), or null when nothing was recorded
    /// then. The same excerpt asked for again within a couple of minutes (the Range requests of one download) is the
    /// same plan, with the same length, not planned again.
    /// </summary>
    public Task<Playback.RecordingExcerpt?> ExcerptAsync(StreamKey stream, DateTimeOffset from, DateTimeOffset to) =>
        excerptPlans.GetAsync(stream, from, to, () => Playback.RecordingExcerpt.CreateAsync(Index, Layout, leases, stream, from, to));

    /// <summary>How many excerpts were planned rather than found among the recent plans (for tests).</summary>
    internal long ExcerptPlansMade => excerptPlans.Builds;

    /// <summary>How many recording files excerpt readers hold now (for tests: none once every reader is done).</summary>
    internal int LeasedFiles => leases.Count;

    /// <summary>How retention finds the recordings disk's free bytes (for tests: a full disk).</summary>
    internal Func<string, long> FreeBytesOf
    {
        get => retention.FreeBytesOf;
        set => retention.FreeBytesOf = value;
    }

    /// <summary>Connects to a stream as recording would and reports what it carries, or why it cannot be recorded.</summary>
    public Task<ProbeResult> ProbeAsync(StreamEndpoint endpoint, CancellationToken cancellationToken) =>
        new CameraProbe(sources, clock).ProbeAsync(endpoint, cancellationToken);

    /// <summary>Records a motion change as a camera's watcher would (for tests of what follows an event: alerts, retention).</summary>
    internal Task RecordMotionAsync(string cameraId, MotionChange change) => eventRecorder.RecordAsync(cameraId, change);

    /// <summary>
    /// The camera's own motion detection (ONVIF) says something moves, or that nothing does any more: an event of kind
    /// <c>camera-motion</c> starts or ends now. The camera says nothing of where, so its region is the whole picture.
    /// </summary>
    public Task RecordCameraMotionAsync(string cameraId, bool moving) =>
        eventRecorder.RecordAsync(cameraId, new MotionChange(moving ? MotionChangeKind.Started : MotionChangeKind.Ended,
            WallClock.ToMicroseconds(clock.GetUtcNow()), new MotionRegion(0, 0, 1, 1)), EventKinds.CameraMotion);

    /// <summary>
    /// Keeps an event (or stops keeping it): retention then spares the recordings its clip needs, as long as kept events
    /// take at most <see cref="KeptShare"/> of the recordings space.
    /// </summary>
    public async Task<KeepOutcome> KeepEventAsync(long eventId, bool keep)
    {
        var figures = await GetStorageFiguresAsync();
        return await Events.KeepAsync(eventId, keep, (long)(figures.EffectiveQuotaBytes * KeptShare), clock.GetUtcNow());
    }

    /// <summary>An event's clip: its camera's main stream from <see cref="EventIndex.ClipMargin"/> before it to as long after it (or now).</summary>
    public Task<Playback.RecordingExcerpt?> EventClipAsync(RecordedEvent recorded) =>
        ExcerptAsync(new StreamKey(recorded.CameraId, StreamKind.Main), recorded.Start - EventIndex.ClipMargin,
            (recorded.End ?? clock.GetUtcNow()) + EventIndex.ClipMargin);

    /// <summary>
    /// Deletes every recording of a camera that no longer records (Remove → Delete Recordings), and its events. Files
    /// being played or exported go too: each reader ends at its next read with "deleted … at the owner's request", and
    /// the space of a file it had open comes back when it closes it.
    /// </summary>
    public async Task DeleteRecordingsAsync(string cameraId)
    {
        await changes.WaitAsync();
        try
        {
            lock (gate)
            {
                if (supervisors.Keys.Any(k => k.CameraId == cameraId))
                {
                    throw new InvalidOperationException($"Camera {cameraId} is still recording: remove it first.");
                }
            }

            var recordings = new List<RecordingSummary>();
            await ExclusiveAsync(async () =>
            {
                await FlushAsync();
                recordings.AddRange((await Index.GetAllRecordingsAsync()).Where(r => r.Stream.CameraId == cameraId));
                try
                {
                    foreach (var recording in recordings)
                    {
                        leases.TryClaim(recording.Path, "at the owner's request", evenIfRead: true);
                        File.Delete(Layout.FullPath(recording.Path));
                    }

                    await Index.DeleteRecordingsAsync([.. recordings.Select(r => r.Id)]);
                }
                finally
                {
                    recordings.ForEach(r => leases.Deleted(r.Path));
                }

                retention.Add(-recordings.Sum(r => r.Bytes));
                await retention.DeleteAsync(await Events.ListDeletableAsync(cameraId, beforeUs: null));
            });
            lock (gate)
            {
                foreach (var key in recorders.Keys.Where(k => k.CameraId == cameraId).ToList())
                {
                    recorders.Remove(key);
                    feeds.Remove(key, out var feed);
                    feed?.End();
                }
            }

            var folder = Layout.CameraFolder(cameraId);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            logger.LogWarning("Deleted {Count} recordings of camera {Camera} at the owner's request.", recordings.Count, cameraId);
        }
        finally
        {
            changes.Release();
        }
    }

    public async Task<StorageFigures> GetStorageFiguresAsync()
    {
        var disk = DiskSpace.Of(Layout.Root);
        var used = retention.UsedBytes;

        var keptFreeForOthers = Math.Max(0, options.KeptFreeForOthers());
        var room = used + disk.FreeBytes - options.MinFreeBytes - keptFreeForOthers;
        var quota = options.MaxBytes is { } max ? Math.Min(max, room) : room;
        return new StorageFigures(Layout.Root, disk, used, options.MaxBytes, options.MinFreeBytes, keptFreeForOthers, Math.Max(0, quota),
            retention.ForcedDeletions, await Index.GetCamerasAsync());
    }

    private async Task FlushLoopAsync()
    {
        using var timer = new PeriodicTimer(FlushPeriod, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                try
                {
                    await ExclusiveAsync(async () =>
                    {
                        BeforeFlush?.Invoke();
                        await FlushAsync();
                        await EnforceRetentionAsync();
                    });
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    // Whatever went wrong, this loop must go on: without it recording continues with no index commits
                    // and no retention until the next start. The files keep their bytes, and the next commit that
                    // works indexes them.
                    logger.LogError(ex, "Updating the recordings index failed unexpectedly; trying again in {Seconds} s.", UnexpectedFailurePause.TotalSeconds);
                    NoteIndexFailure(ex.Message);
                    await Task.Delay(UnexpectedFailurePause, clock, stopping.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the final flush is StopAsync's.
        }
    }

    private void NoteIndexFailure(string why)
    {
        lock (gate)
        {
            indexFailure = (indexFailure?.Since ?? clock.GetUtcNow(), why);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> alone among the flushes, retention and deletions: each of them reads and changes
    /// the open files, the index rows and the used bytes together.
    /// </summary>
    private async Task ExclusiveAsync(Func<Task> work)
    {
        await indexWork.WaitAsync();
        try
        {
            await work();
        }
        finally
        {
            indexWork.Release();
        }
    }

    private async Task FlushAsync()
    {
        List<StreamRecorder> all;
        lock (gate)
        {
            all = [.. recorders.Values];
        }

        if (await flusher.FlushAsync(all) is { } grown)
        {
            retention.Add(grown);
            lock (gate)
            {
                indexFailure = null;
            }
        }
        else
        {
            NoteIndexFailure(flusher.Failure ?? "unknown reason");
        }
    }

    private async Task EnforceRetentionAsync()
    {
        try
        {
            await retention.EnforceAsync();
        }
        catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
        {
            logger.LogError("Retention could not run: {Message}", ex.Message);
        }
    }

    /// <summary>
    /// Stops every stream, writes the last fragments and index rows, and records why the engine stopped, which the
    /// next start gives as the reason for the gap ("recorder rebooted").
    /// </summary>
    public async Task StopAsync(string reason)
    {
        await changes.WaitAsync();
        try
        {
            if (stopped)
            {
                return;
            }

            stopped = true;
            // Motion first: its open events end at their last movement, while the index is still written.
            await watchers.StopAsync();
            if (detector is not null)
            {
                await detector.DisposeAsync(); // after the watchers, which offer it pictures; it finishes the one it is on
            }

            await eventRecorder.DrainAsync();
            List<StreamSupervisor> all;
            lock (gate)
            {
                all = [.. supervisors.Values];
                supervisors.Clear();
            }

            await Task.WhenAll(all.Select(s => s.StopAsync(reason)));
            await stopping.CancelAsync();
            await flushLoop;
            try
            {
                await ExclusiveAsync(FlushAsync);
                await Index.EndEngineRunAsync(runId, clock.GetUtcNow(), reason);
            }
            catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
            {
                // A full or failing disk must not stop the stop: the files are closed either way, and the next start's
                // reconciler indexes what the last flush missed (the gap is then named "recorder stopped unexpectedly").
                logger.LogError("The last index write at stop failed: {Message}", ex.Message);
            }

            lock (gate)
            {
                foreach (var feed in feeds.Values)
                {
                    feed.End();
                }
            }

            foreach (var supervisor in all)
            {
                await supervisor.DisposeAsync();
            }
        }
        finally
        {
            changes.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync("recorder stopped");
        pictures.Dispose();
        stopping.Dispose();
        changes.Dispose();
        indexWork.Dispose();
        folderLock.Dispose(); // last: until here this engine may still write the folder
    }
}
