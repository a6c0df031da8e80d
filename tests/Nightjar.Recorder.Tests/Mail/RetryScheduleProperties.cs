using CsCheck;
using Nightjar.Recorder.Notifications;
using Xunit;

namespace Nightjar.Recorder.Tests.Mail;

/// <summary>The outbox's next attempt: never in the past, never at or after the message's expiry, never shorter than 5 s or longer than 5 min away.</summary>
public class RetryScheduleProperties
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<DateTimeOffset> Instant = Gen.Long[0, TimeSpan.FromDays(3650).Ticks].Select(t => Epoch.AddTicks(t));

    private static readonly Gen<TimeSpan> Lifetime = Gen.Long[-TimeSpan.FromHours(1).Ticks, TimeSpan.FromDays(7).Ticks].Select(TimeSpan.FromTicks);

    [Fact]
    public void NextAttempt_IsWithinBounds_AndBeforeExpiry() =>
        Gen.Select(Gen.Int, Instant, Lifetime).Sample((failures, now, lifetime) =>
        {
            var notAfter = now + lifetime;
            var next = RetrySchedule.Next(failures, now, notAfter);
            if (next is not { } at)
            {
                // Given up only when the message would expire within the longest wait anyway.
                return now + RetrySchedule.Longest >= notAfter;
            }

            var wait = at - now;
            return at < notAfter && wait >= RetrySchedule.First && wait <= RetrySchedule.Longest;
        }, iter: 20_000);

    [Fact]
    public void Waits_NeverShrink_AsFailuresAddUp() =>
        Gen.Select(Gen.Int[-5, 100], Instant).Sample((failures, now) =>
        {
            var far = now.AddDays(30);
            return RetrySchedule.Next(failures + 1, now, far) >= RetrySchedule.Next(failures, now, far);
        }, iter: 5_000);
}
