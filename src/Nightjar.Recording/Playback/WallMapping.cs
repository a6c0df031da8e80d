using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Playback;

/// <summary>
/// Wall time of a point in a recording: its start plus the media time before it, scaled by the recording's wall
/// duration over its media duration (the ±500 ppm correction of <c>RunClock</c>, spread evenly over the file).
/// </summary>
internal readonly record struct WallMapping(long StartUs, long EndUs, long MediaDuration)
{
    public static WallMapping Of(RecordingSummary recording) =>
        new(WallClock.ToMicroseconds(recording.Start), WallClock.ToMicroseconds(recording.End), recording.MediaDuration);

    /// <summary>Wall microseconds of media time <paramref name="ticks"/> (90 kHz, from the recording's first fragment).</summary>
    public long At(long ticks) =>
        MediaDuration <= 0 ? StartUs : StartUs + (long)((Int128)(EndUs - StartUs) * ticks / MediaDuration);

    /// <summary>Media time (90 kHz, from the first fragment) at wall microseconds <paramref name="wallUs"/>.</summary>
    public long TicksAt(long wallUs) =>
        EndUs <= StartUs ? 0 : (long)((Int128)(wallUs - StartUs) * MediaDuration / (EndUs - StartUs));
}
