namespace Nightjar.Recording.Storage;

/// <summary>Wall times in the index are microseconds since the Unix epoch (UTC): integers that sort and subtract exactly.</summary>
public static class WallClock
{
    public static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

    /// <summary>90 kHz media ticks to microseconds.</summary>
    public static long MediaToMicroseconds(long ticks) => ticks * 100 / 9;

    public static long MicrosecondsToMedia(long microseconds) => microseconds * 9 / 100;
}
