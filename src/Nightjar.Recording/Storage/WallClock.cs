namespace Nightjar.Recording.Storage;

/// <summary>Wall times in the index are microseconds since the Unix epoch (UTC): integers that sort and subtract exactly.</summary>
public static class WallClock
{
    public static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

    /// <summary>90 kHz media ticks to microseconds.</summary>
    public static long MediaToMicroseconds(long ticks) => ticks * 100 / 9;

    public static long MicrosecondsToMedia(long microseconds) => microseconds * 9 / 100;

    /// <summary>A jump or a step of a clock for the log: "2:00:00", "-1:00:00", "40.0 s".</summary>
    internal static string Describe(long microseconds)
    {
        var sign = microseconds < 0 ? "-" : "";
        var size = TimeSpan.FromMicroseconds(Math.Abs(microseconds));
        return size < TimeSpan.FromMinutes(1)
            ? sign + size.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s"
            : sign + ((long)size.TotalHours).ToString(System.Globalization.CultureInfo.InvariantCulture) + size.ToString(@"\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture);
    }
}
