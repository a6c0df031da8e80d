using Microsoft.Extensions.Logging;
using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Storage;

/// <summary>
/// Writes one stream's fragments into files of about a minute, each starting with the init segment and a keyframe.
/// Rotation happens at the first keyframe after the stream's own point in the minute, so the streams of a recorder
/// do not all open new files in the same second. A write that fails (a full disk) drops fragments until the next
/// keyframe, which starts a new file; recording resumes by itself as soon as retention has made room.
/// </summary>
internal sealed class StreamRecorder
{
    private readonly long rotationPeriodUs;

    /// <summary>No file shorter than a third of the period is cut by rotation (only the first of a run, or one ended by an outage, is).</summary>
    private readonly long minimumFileUs;

    private readonly object gate = new();
    private readonly RecordingLayout layout;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly long rotationOffsetUs;
    private readonly List<RecordingFile> closing = [];
    private InitSegment? init;
    private RunClock? run;
    private RecordingFile? current;
    private long rotateAtUs;
    private long lastEndUs;

    /// <summary>The earliest a run's first file may start: the last end, unless the box's clock was set back since.</summary>
    private long notBeforeUs;

    /// <summary>The box's clock stepped by this much: the file ends at the next keyframe and a new run starts at the new time.</summary>
    private long? clockStepUs;
    private string? gapReason;
    private bool gapReasonChanged;
    private bool nextFileStartsRun = true;

    public StreamRecorder(StreamKey key, RecordingLayout layout, TimeProvider clock, ILogger logger, long lastEndUs, string? gapReason, TimeSpan filePeriod)
    {
        rotationPeriodUs = (long)filePeriod.TotalMicroseconds;
        minimumFileUs = rotationPeriodUs / 3;
        Key = key;
        this.layout = layout;
        this.clock = clock;
        this.logger = logger;
        this.lastEndUs = lastEndUs;
        notBeforeUs = lastEndUs;
        this.gapReason = gapReason;
        rotationOffsetUs = StableHash(key.ToString()) % (rotationPeriodUs / 1_000_000) * 1_000_000;
    }

    public StreamKey Key { get; }

    /// <summary>Why recording is failing although the camera sends video (the disk is full), or null.</summary>
    public string? WriteProblem { get; private set; }

    /// <summary>A new connection to the camera: its init segment. The next keyframe opens a file.</summary>
    public void BeginRun(InitSegment initSegment)
    {
        lock (gate)
        {
            init = initSegment;
            run = new RunClock(clock);
            nextFileStartsRun = true;
        }
    }

    /// <summary>Writes one fragment (called by the stream's read loop, one fragment at a time).</summary>
    public void Append(MediaFragment fragment)
    {
        lock (gate)
        {
            if (init is null || run is null)
            {
                return;
            }

            var now = run.LocalNowUs();
            if (clockStepUs is null && run.WallStepUs() is var step && Math.Abs(step) > RunClock.MaxDriftUs)
            {
                clockStepUs = step;
                logger.LogWarning("The box's clock stepped by {Step} while recording {Stream}: its file ends at the next keyframe and the next one starts at the new time.",
                    WallClock.Describe(step), Key);
            }

            if (clockStepUs is not null && fragment.IsKeyframe)
            {
                // The frames up to here belong to the old run's timeline; from this keyframe on, the box's new time.
                CloseCurrent();
                run = new RunClock(clock);
                now = run.LocalNowUs();
                nextFileStartsRun = true;
                notBeforeUs = clockStepUs < 0 ? 0 : lastEndUs; // set back: the times before were wrong, so they do not hold the new ones back
                clockStepUs = null;
                SetGapReason("the box's clock was changed");
            }

            if (current is not null && fragment.IsKeyframe && now >= rotateAtUs)
            {
                CloseCurrent();
            }

            if (current is null)
            {
                if (!fragment.IsKeyframe)
                {
                    return; // A file starts at a keyframe, or it would not play on its own.
                }

                if (!TryOpen(fragment, now))
                {
                    return;
                }
            }

            try
            {
                current!.Append(fragment, now);
                if (WriteProblem is not null)
                {
                    logger.LogInformation("Recording of {Stream} resumed.", Key);
                    WriteProblem = null;
                }
            }
            catch (IOException ex)
            {
                WriteFailed(ex);
                CloseCurrent();
                nextFileStartsRun = true;
                SetGapReason("the recordings disk was full or failing");
            }
        }
    }

    /// <summary>
    /// The connection ended: close the file; the next recording's gap gets <paramref name="reason"/>. A stream that was
    /// already down keeps the reason recording stopped in the first place (a camera unreachable before a reboot stays
    /// "camera unreachable"; a camera that dropped and then refused connections stays "camera ended the stream").
    /// </summary>
    public void EndRun(string reason)
    {
        lock (gate)
        {
            CloseCurrent();
            if (init is not null || gapReason is null)
            {
                SetGapReason(reason);
            }

            init = null;
            run = null;
        }
    }

    /// <summary>The files the flusher must look at: the open one and those closed but not yet committed.</summary>
    public List<RecordingFile> FilesToFlush()
    {
        lock (gate)
        {
            var files = new List<RecordingFile>(closing);
            if (current is not null)
            {
                files.Add(current);
            }

            return files;
        }
    }

    /// <summary>The earliest a first-of-run file may start: where the stream's last recording ended.</summary>
    public long NotBeforeUs
    {
        get
        {
            lock (gate)
            {
                return notBeforeUs;
            }
        }
    }

    /// <summary>A gap reason not yet written to the index's stream row (so a restart knows why the stream was down).</summary>
    public bool TakeGapReasonChange(out string? reason)
    {
        lock (gate)
        {
            reason = gapReason;
            var changed = gapReasonChanged;
            gapReasonChanged = false;
            return changed;
        }
    }

    /// <summary>The commit that carried a gap reason failed: it goes again with the next one, unless a newer reason replaced it.</summary>
    public void RestoreGapReasonChange(string? reason)
    {
        lock (gate)
        {
            if (gapReason == reason)
            {
                gapReasonChanged = true;
            }
        }
    }

    /// <summary>After a commit: closed files whose last state is in the index are released.</summary>
    public void ReleaseDone()
    {
        lock (gate)
        {
            foreach (var file in closing.Where(f => f.IsDone).ToList())
            {
                file.Dispose();
                closing.Remove(file);
            }
        }
    }

    private bool TryOpen(MediaFragment keyframe, long now)
    {
        var startUs = nextFileStartsRun ? Math.Max(now, notBeforeUs) : lastEndUs;
        try
        {
            current = RecordingFile.Create(
                layout, Key, init!, startUs, keyframe.DecodeTime, keyframe.EarliestDecodeTime, nextFileStartsRun, nextFileStartsRun ? gapReason : null);
        }
        catch (IOException ex)
        {
            WriteFailed(ex);
            return false;
        }
        catch (UnauthorizedAccessException ex)
        {
            WriteFailed(new IOException(ex.Message, ex));
            return false;
        }

        if (nextFileStartsRun)
        {
            SetGapReason(null);
        }

        nextFileStartsRun = false;
        rotateAtUs = NextRotation(startUs);
        return true;
    }

    private void CloseCurrent()
    {
        if (current is null)
        {
            return;
        }

        try
        {
            current.TruncateToWhole();
        }
        catch (IOException ex)
        {
            logger.LogWarning("Could not trim {File}: {Message}", current.RelativePath, ex.Message);
        }

        lastEndUs = current.Close(notBeforeUs);
        notBeforeUs = lastEndUs;
        if (Math.Abs(current.DriftUs) > RunClock.MaxDriftUs)
        {
            logger.LogWarning("{File} is timed by the box's clock: its video and the box's clock differed by {Drift}.", current.RelativePath, WallClock.Describe(current.DriftUs));
        }

        closing.Add(current);
        current = null;
    }

    private void WriteFailed(IOException ex)
    {
        if (WriteProblem is null)
        {
            logger.LogError("Recording of {Stream} cannot write to the recordings folder: {Message}", Key, ex.Message);
        }

        // Retention runs after every flush, so room is made within a second when the disk is merely full.
        WriteProblem = IsDiskFull(ex) ? "the recordings disk is full" : "cannot write to the recordings folder";
    }

    private void SetGapReason(string? reason)
    {
        if (gapReason != reason)
        {
            gapReason = reason;
            gapReasonChanged = true;
        }
    }

    private long NextRotation(long startUs)
    {
        var earliest = startUs + minimumFileUs;
        var boundary = ((earliest - rotationOffsetUs) / rotationPeriodUs * rotationPeriodUs) + rotationOffsetUs;
        return boundary >= earliest ? boundary : boundary + rotationPeriodUs;
    }

    /// <summary>ENOSPC (28) and EDQUOT (122): the disk or the quota of the service user is full.</summary>
    private static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 122 or 112 || ex.Message.Contains("space", StringComparison.OrdinalIgnoreCase);

    /// <summary>FNV-1a: the same offset for a stream on every start (string.GetHashCode changes per process).</summary>
    private static long StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
