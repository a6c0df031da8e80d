using Microsoft.Extensions.Logging;
using Nightjar.Recording.Mp4;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Ingest;

/// <summary>
/// One connection's media time, kept monotonic and within <see cref="MaxDrift"/> of the box's clock before anything
/// (files, live viewers, motion) sees a fragment. The camera's time spaces the frames; where it jumps, the fragment's
/// times are set in its bytes from the box's clock and the jump is logged:
/// <list type="bullet">
/// <item>back (a second client joined a shared GStreamer mount): ffmpeg writes each frame one tick after the one before
/// until the camera's clock catches up ("Non-monotonous DTS"), so minutes of frames would last milliseconds. A frame
/// shorter than <see cref="ShortestStep"/> lasts as long as the camera's last real step instead;</item>
/// <item>forward: the frame before the jump lasts as long as the jump (ffmpeg times a frame by the next one). A frame
/// that would end more than <see cref="MaxDrift"/> ahead of the box's clock lasts the camera's last step instead;</item>
/// <item>a decode time before the end of the frame before it starts at that end.</item>
/// </list>
/// Every track moves by the same amount, so sound stays with the picture. A camera that only runs behind the box (a
/// slow network delivers late) is left alone: the least delay seen is the reference, as in <see cref="RunClock"/>.
/// </summary>
internal sealed class CameraTimeline(StreamKey stream, InitSegment init, TimeProvider clock, ILogger logger)
{
    /// <summary>How far the camera's time may run ahead of the box's before it is a jump.</summary>
    public static readonly TimeSpan MaxDrift = TimeSpan.FromSeconds(2);

    /// <summary>2 ms: shorter than a frame of any camera (500 fps); ffmpeg's one tick after a jump back is far below it.</summary>
    private const long ShortestStep = MediaFragment.Timebase / 500;

    private static readonly long MaxDriftTicks = (long)(MaxDrift.TotalSeconds * MediaFragment.Timebase);

    /// <summary>One warning per stream in this time at most, so a camera whose time jumps at every frame does not fill the log.</summary>
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);

    private readonly long startedAt = clock.GetTimestamp();
    private long shift;
    private long? previousEnd;
    private long step = MediaFragment.Timebase / 25;
    private long leastDelay = long.MaxValue;
    private long stuckSince = -1;
    private bool stuckSaid;
    private long lastWarning = long.MinValue;
    private int unsaid;

    /// <summary>The fragment as it is to be recorded: <paramref name="fragment"/> itself while the camera's time is sane.</summary>
    public MediaFragment Follow(MediaFragment fragment)
    {
        var box = WallClock.MicrosecondsToMedia((long)clock.GetElapsedTime(startedAt).TotalMicroseconds);
        if (!fragment.HasVideo)
        {
            return shift == 0 ? fragment : FragmentRetimer.Retime(fragment, init, shift, 0) ?? fragment;
        }

        var start = fragment.DecodeTime + shift;
        var duration = fragment.VideoDuration;
        long jump = 0;
        if (previousEnd is { } end && start < end)
        {
            // A tick or two is rounding between time scales, not a jump: mended, not said.
            jump += end - start > ShortestStep ? start - end : 0;
            start = end;
        }

        var stuck = duration < ShortestStep;
        if (stuck)
        {
            duration = step;
        }

        if (leastDelay != long.MaxValue && start + duration + leastDelay - box > MaxDriftTicks)
        {
            if (previousEnd is { } before && start > before)
            {
                jump += start - before;
                start = before;
            }

            if (start + duration + leastDelay - box > MaxDriftTicks)
            {
                jump += duration - step;
                duration = step;
            }
        }
        else if (!stuck && duration <= MediaFragment.Timebase)
        {
            step = duration; // the camera's own spacing, used while its time cannot be trusted
        }

        var thisShift = start - fragment.DecodeTime;
        var recorded = thisShift == 0 && duration == fragment.VideoDuration
            ? fragment
            : FragmentRetimer.Retime(fragment, init, thisShift, duration) ?? fragment;
        shift = thisShift + (recorded.VideoDuration - fragment.VideoDuration);
        previousEnd = recorded.DecodeTime + recorded.VideoDuration;
        leastDelay = Math.Min(leastDelay, box - previousEnd.Value);
        Report(box, jump, stuck);
        return recorded;
    }

    private void Report(long box, long jump, bool stuck)
    {
        // ffmpeg also writes a frame or two without a duration now and then when it interleaves sound: mended the
        // same way, but only time that stood still for longer than the drift bound is a jump worth a warning.
        if (stuck && stuckSince < 0)
        {
            stuckSince = box;
        }
        else if (stuck && !stuckSaid && box - stuckSince > MaxDriftTicks)
        {
            stuckSaid = true;
            if (MayWarn(box))
            {
                logger.LogWarning("{Stream}: camera timestamps jumped back (they stopped advancing); recording goes on from the box's clock.{More}", stream, More());
            }
        }
        else if (!stuck && stuckSince >= 0)
        {
            if (stuckSaid)
            {
                logger.LogInformation("{Stream}: camera timestamps advance again after {Time} from the box's clock.", stream,
                    WallClock.Describe(WallClock.MediaToMicroseconds(box - stuckSince)));
            }

            stuckSince = -1;
            stuckSaid = false;
        }

        if (jump != 0 && MayWarn(box))
        {
            logger.LogWarning("{Stream}: camera timestamps jumped by {Jump}; recording goes on from the box's clock.{More}", stream,
                WallClock.Describe(WallClock.MediaToMicroseconds(jump)), More());
        }
    }

    private bool MayWarn(long box)
    {
        if (lastWarning != long.MinValue && box - lastWarning < (long)(LogEvery.TotalSeconds * MediaFragment.Timebase))
        {
            unsaid++;
            return false;
        }

        lastWarning = box;
        return true;
    }

    private string More()
    {
        var more = unsaid == 0 ? "" : $" ({unsaid} more since the last such warning.)";
        unsaid = 0;
        return more;
    }
}
