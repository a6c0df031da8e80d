namespace Nightjar.Recorder.Notifications;

/// <summary>
/// When to try a message again: 5 s after the first failure, doubling up to 5 minutes, and never after the
/// message stops mattering. A Secure Code email that cannot go out before its code expires is given up.
/// </summary>
public static class RetrySchedule
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(5);

    /// <summary>The next attempt after <paramref name="failedAttempts"/> failures, or null when none fits before <paramref name="notAfter"/>.</summary>
    public static DateTimeOffset? Next(int failedAttempts, DateTimeOffset now, DateTimeOffset notAfter)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 16);
        var delay = TimeSpan.FromTicks(Math.Min(First.Ticks << exponent, Longest.Ticks));
        var next = now + delay;
        return next < notAfter ? next : null;
    }
}
