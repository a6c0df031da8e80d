namespace Nightjar.Recording.Motion;

/// <summary>
/// Turns a camera's motion observations into events: an event starts where movement was first seen and ends when
/// nothing has moved for <see cref="QuietToEnd"/> (at the last movement), so a person crossing the picture, with the
/// pauses of a walk, is one event. An event that goes on for <see cref="LongestEvent"/> is ended and, if the movement
/// goes on, the next one starts, so no event stays open for ever. Times are the camera's frame times, never the time
/// the analysis ran, so a busy box reports the same times as an idle one.
/// </summary>
public sealed class MotionTracker
{
    public static readonly TimeSpan QuietToEnd = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan LongestEvent = TimeSpan.FromMinutes(10);

    private long startUs;
    private long lastMotionUs;
    private MotionRegion region;

    public bool IsActive { get; private set; }

    /// <summary>The next observation, in time order: the start or end of an event, or null.</summary>
    public MotionChange? Observe(MotionObservation observation)
    {
        if (observation.Region is { } moved)
        {
            if (!IsActive)
            {
                IsActive = true;
                startUs = observation.SinceUs;
                lastMotionUs = observation.WallUs;
                region = moved;
                return new MotionChange(MotionChangeKind.Started, startUs, region);
            }

            lastMotionUs = observation.WallUs;
            region = region.Union(moved);
            if (observation.WallUs - startUs >= LongestEvent.TotalMicroseconds)
            {
                return End(lastMotionUs);
            }

            return null;
        }

        return IsActive && observation.WallUs - lastMotionUs >= QuietToEnd.TotalMicroseconds ? End(lastMotionUs) : null;
    }

    /// <summary>The pictures stopped (the stream ended or analysis was switched off): an open event ends at its last movement.</summary>
    public MotionChange? Stop() => IsActive ? End(lastMotionUs) : null;

    private MotionChange End(long endUs)
    {
        IsActive = false;
        return new MotionChange(MotionChangeKind.Ended, endUs, region);
    }
}
