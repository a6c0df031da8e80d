using Microsoft.Extensions.Logging;
using Nightjar.Recording.Live;
using Nightjar.Recording.Mp4;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Ingest;

/// <summary>
/// Keeps one stream recording for ever: connects, writes every fragment to the <see cref="StreamRecorder"/> and the
/// <see cref="LiveFeed"/>, and when the stream ends, stalls or goes too long without a keyframe says why and connects
/// again, first within a second, then backing off to 30 s. A camera that refused connections is checked every half
/// second with a plain TCP connect, so its return is noticed at once without hammering it with RTSP logins (which some
/// cameras lock out).
/// </summary>
internal sealed class StreamSupervisor : IAsyncDisposable
{
    /// <summary>No fragment for this long means the camera stalled. One frame arrives every 40 ms; the bound is 5 s.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(4);

    /// <summary>Connecting, describing, and waiting for the first keyframe (cameras send one every 1–10 s).</summary>
    public static readonly TimeSpan FirstFragmentTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A session that recorded this long was a success: the next failure starts the back-off from the beginning.</summary>
    private static readonly TimeSpan HealthySession = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProbePeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StatusPeriod = TimeSpan.FromSeconds(1);

    private readonly IFragmentSourceFactory sources;
    private readonly StreamRecorder recorder;
    private readonly LiveFeed feed;
    private readonly TimeSpan maxKeyframeInterval;
    private readonly long maxKeyframeTicks;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly Action changed;
    private readonly CancellationTokenSource stopping = new();
    private readonly RateMeter rates = new();
    private readonly object gate = new();
    private Task? loop;
    private IFragmentSource? session;
    private long lastProgress;
    private bool sessionHasVideo;
    private StreamProblem? watchdogProblem;
    private bool withAudio = true;
    private string? audioNote;

    // Set when a session was ended for want of a keyframe, shown while the next sessions record, and cleared by the
    // first session with a second keyframe: a camera that sends one keyframe per connection would otherwise look
    // healthy between its restarts.
    private string? keyframeNote;
    private StreamStatus status;
    private long lastStatusAt;

    public StreamSupervisor(StreamKey key, StreamEndpoint endpoint, IFragmentSourceFactory sources, StreamRecorder recorder, LiveFeed feed,
        TimeSpan maxKeyframeInterval, TimeProvider clock, ILogger logger, Action changed)
    {
        Key = key;
        Endpoint = endpoint;
        this.sources = sources;
        this.recorder = recorder;
        this.feed = feed;
        this.maxKeyframeInterval = maxKeyframeInterval;
        maxKeyframeTicks = (long)(maxKeyframeInterval.TotalSeconds * MediaFragment.Timebase);
        this.clock = clock;
        this.logger = logger;
        this.changed = changed;
        status = new StreamStatus(key, StreamState.Connecting, null, null, clock.GetUtcNow());
    }

    public StreamKey Key { get; }

    public StreamEndpoint Endpoint { get; }

    public StreamStatus Status
    {
        get
        {
            lock (gate)
            {
                return status;
            }
        }
    }

    public void Start() => loop = Task.Run(() => RunAsync(stopping.Token));

    /// <summary>Stops the stream; its next recording will say <paramref name="gapReason"/> for the time until then.</summary>
    public async Task StopAsync(string gapReason)
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        await stopping.CancelAsync();
        lock (gate)
        {
            session?.Abort();
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        recorder.EndRun(gapReason);
        feed.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync("recorder stopped");
        stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var watchdog = clock.CreateTimer(_ => CheckProgress(), null, WatchdogPeriod, WatchdogPeriod);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = clock.GetTimestamp();
            StreamProblem problem;
            try
            {
                problem = await RunSessionAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A bug must not end recording: say so in the log, and connect again like after any other failure.
                logger.LogError(ex, "Recording of {Stream} failed unexpectedly.", Key);
                problem = new StreamProblem(StreamProblemKind.Other, "recorder error: " + ex.Message);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (problem.Kind == StreamProblemKind.AudioNotStorable && withAudio)
            {
                // Record the video without the audio rather than nothing; the Cameras screen says what was dropped.
                logger.LogWarning("{Stream}: {Problem}; recording video only.", Key, problem.Text);
                withAudio = false;
                audioNote = problem.Text;
                continue;
            }

            if (problem.Kind == StreamProblemKind.NoKeyframe)
            {
                keyframeNote = "restarted after " + problem.Text;
            }

            failures = clock.GetElapsedTime(started) >= HealthySession && sessionHasVideo ? 1 : failures + 1;
            recorder.EndRun(problem.Text);
            SetStatus(StreamState.Offline, problem.Text, force: true);
            if (failures <= 2 || failures % 10 == 0)
            {
                logger.LogWarning("{Stream} is offline: {Problem} (attempt {Attempt}).", Key, problem.Text, failures);
            }

            try
            {
                if (await WaitBeforeRetryAsync(RetryDelay.After(failures), problem, cancellationToken))
                {
                    // The camera is back after being unreachable: a new start, not the next failure. A camera that has
                    // just booted may still refuse once; that retry comes after half a second, not after the back-off.
                    failures = 0;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<StreamProblem> RunSessionAsync(CancellationToken cancellationToken)
    {
        await using var source = sources.Open(Endpoint, withAudio);
        lock (gate)
        {
            session = source;
            sessionHasVideo = false;
            watchdogProblem = null;
            lastProgress = clock.GetTimestamp();
        }

        if (cancellationToken.IsCancellationRequested)
        {
            source.Abort();
        }

        StreamProblem? problem = null;
        try
        {
            var init = await source.ReadInitAsync(cancellationToken);
            if (init.Video is not { } video)
            {
                problem = new StreamProblem(StreamProblemKind.CodecNotSupported, "the stream has no video");
            }
            else if (!video.Codec.IsRecordableVideo)
            {
                problem = StreamProblem.CodecNotSupported(video.Codec.Name);
                source.Abort();
            }
            else
            {
                problem = await RecordAsync(source, init, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or Mp4FormatException)
        {
            if (ex is Mp4FormatException)
            {
                logger.LogWarning("{Stream}: unreadable output from ffmpeg: {Message}", Key, ex.Message);
            }
        }
        finally
        {
            feed.Stop();
            rates.Clear();
            lock (gate)
            {
                session = null;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            problem ??= watchdogProblem;
        }

        return problem ?? await source.DescribeEndAsync();
    }

    /// <summary>Records the session until its source ends (null), or until the camera went too long without a keyframe.</summary>
    private async Task<StreamProblem?> RecordAsync(IFragmentSource source, InitSegment init, CancellationToken cancellationToken)
    {
        feed.Start(init);
        recorder.BeginRun(init);
        long? keyframeTime = null; // the decode time of the session's last keyframe, or of its first video until one came
        var keyframes = 0;
        var timeline = new CameraTimeline(Key, init, clock, logger);
        while (await source.ReadFragmentAsync(init, cancellationToken) is { } read)
        {
            // Before anything looks at its time: a camera whose timestamps jump must not cut, squeeze or stretch files,
            // nor look like a camera without keyframes.
            var fragment = timeline.Follow(read);
            lock (gate)
            {
                lastProgress = clock.GetTimestamp();
                sessionHasVideo |= fragment.HasVideo;
            }

            if (fragment.HasVideo)
            {
                if (fragment.IsKeyframe || keyframeTime is null)
                {
                    keyframeTime = fragment.DecodeTime;
                }
                else if (fragment.DecodeTime + fragment.VideoDuration - keyframeTime > maxKeyframeTicks)
                {
                    // Camera time, not arrival time, so a burst after a network hiccup is not a missing keyframe. The
                    // fragment is not written: a file holds at most the limit after its last keyframe.
                    source.Abort();
                    return StreamProblem.NoKeyframe(maxKeyframeInterval);
                }

                if (fragment.IsKeyframe && ++keyframes == 2)
                {
                    keyframeNote = null;
                }
            }

            recorder.Append(fragment);
            feed.Publish(fragment, clock.GetUtcNow().ToUnixTimeMilliseconds());
            rates.Add(fragment);
            if (fragment.HasVideo)
            {
                var writeProblem = recorder.WriteProblem;
                SetStatus(writeProblem is null ? StreamState.Recording : StreamState.Offline, writeProblem ?? keyframeNote, force: false, init);
            }
        }

        return null;
    }

    /// <summary>The stream's watchdog: a stream that sends nothing for too long is ended, so the loop connects again.</summary>
    private void CheckProgress()
    {
        lock (gate)
        {
            if (session is null || watchdogProblem is not null)
            {
                return;
            }

            var quiet = clock.GetElapsedTime(lastProgress);
            if (quiet < (sessionHasVideo ? StallTimeout : FirstFragmentTimeout))
            {
                return;
            }

            watchdogProblem = sessionHasVideo ? StreamProblem.Stalled : StreamProblem.NotResponding;
            session.Abort();
        }
    }

    /// <summary>Waits out the back-off; true when an unreachable camera answered a TCP connect before it ended.</summary>
    private async Task<bool> WaitBeforeRetryAsync(TimeSpan delay, StreamProblem problem, CancellationToken cancellationToken)
    {
        if (problem.Kind != StreamProblemKind.Unreachable)
        {
            await Task.Delay(delay, clock, cancellationToken);
            return false;
        }

        var until = clock.GetTimestamp() + (long)(delay.TotalSeconds * clock.TimestampFrequency);
        while (clock.GetTimestamp() < until)
        {
            await Task.Delay(ProbePeriod, clock, cancellationToken);
            if (await sources.IsReachableAsync(Endpoint, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private void SetStatus(StreamState state, string? problem, bool force, InitSegment? init = null)
    {
        lock (gate)
        {
            var now = clock.GetTimestamp();
            var same = status.State == state && status.Problem == problem;
            if (same && !force && clock.GetElapsedTime(lastStatusAt, now) < StatusPeriod)
            {
                return;
            }

            lastStatusAt = now;
            var facts = init?.Video is { } video
                ? new StreamFacts(video.Codec.Name, video.Width, video.Height, rates.FrameRate, rates.BitsPerSecond,
                    init.Audio?.Codec.Name ?? audioNote, init.Audio is not null)
                : status.Facts;
            status = new StreamStatus(Key, state, problem, facts, same ? status.Since : clock.GetUtcNow());
        }

        changed();
    }
}
