using Microsoft.Extensions.Time.Testing;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>
/// A box's clocks as Linux has them: the monotonic clock (and timers) run with <paramref name="time"/>, while the wall
/// clock can be stepped, as NTP does when it corrects a clock that was far off at boot. (FakeTimeProvider alone moves
/// both together.)
/// </summary>
internal sealed class SteppingClock(FakeTimeProvider time) : TimeProvider
{
    private long stepTicks;

    /// <summary>Sets the wall clock <paramref name="by"/> forward (or back, when negative); the monotonic clock does not move.</summary>
    public void Step(TimeSpan by) => Interlocked.Add(ref stepTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => time.GetUtcNow().AddTicks(Interlocked.Read(ref stepTicks));

    public override long GetTimestamp() => time.GetTimestamp();

    public override long TimestampFrequency => time.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        time.CreateTimer(callback, state, dueTime, period);
}
