namespace Nightjar.Recording.Storage;

/// <summary>
/// Wall time for one run (one unbroken connection to a camera), after Moonfire NVR's design/time.md: the recorder's
/// own clock at arrival is the truth for wall time, the camera's media clock for durations. Each frame's
/// <em>local time</em> is the wall time of the run's first frame plus the monotonic time since; a recording's
/// <em>local start</em> is the smallest local time minus the media time before it, so the least delayed frame wins.
/// The first recording of a run starts at its local start; each later one starts where the one before ended, and its
/// wall duration is its media duration corrected by at most 500 ppm toward the local clock, so a camera whose clock
/// runs fast or slow is pulled back gently and no two recordings overlap. When the two disagree by more than
/// <see cref="MaxDriftUs"/> (a camera clock that runs at a wrong rate, a camera time the ingest could not mend) the
/// box's clock wins at once: the recording ends where the local clock says, never squeezed or stretched further.
/// </summary>
internal sealed class RunClock(TimeProvider clock)
{
    /// <summary>500 ppm: about 43 s a day, more than any camera clock is off, and 27 ticks (0.3 ms) on a one-minute file.</summary>
    public const long MaxCorrectionDivisor = 2000;

    /// <summary>
    /// 2 s: past this a recording's media time and the box's clock disagree for a reason other than drift, and a step
    /// of the box's own clock (NTP correcting a clock that was far off at boot) starts a new run at the new time.
    /// </summary>
    public const long MaxDriftUs = 2_000_000;

    private readonly long wallAtStartUs = WallClock.ToMicroseconds(clock.GetUtcNow());
    private readonly long monotonicAtStart = clock.GetTimestamp();

    /// <summary>The recorder's wall time now, continued monotonically from the run's start (no steps if the system clock steps).</summary>
    public long LocalNowUs() => wallAtStartUs + (long)clock.GetElapsedTime(monotonicAtStart).TotalMicroseconds;

    /// <summary>Wall duration of a recording that continues the one before it in the run.</summary>
    public static long CorrectedDurationUs(long mediaUs, long startUs, long localStartUs)
    {
        var drift = localStartUs - startUs;
        if (Math.Abs(drift) > MaxDriftUs)
        {
            return Math.Max(1, mediaUs + drift);
        }

        var limit = mediaUs / MaxCorrectionDivisor;
        return mediaUs + Math.Clamp(drift, -limit, limit);
    }

    /// <summary>How far the box's wall clock has stepped since the run began (zero while it only runs and slews).</summary>
    public long WallStepUs() => WallClock.ToMicroseconds(clock.GetUtcNow()) - LocalNowUs();
}
