namespace Nightjar.Recording.Ingest;

/// <summary>How long to wait before trying a failed stream again: 0.5 s, then doubling to 30 s, then 30 s for ever.</summary>
internal static class RetryDelay
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    /// <param name="failures">Failures in a row, at least 1.</param>
    public static TimeSpan After(int failures)
    {
        var delay = First * Math.Pow(2, Math.Clamp(failures - 1, 0, 10));
        return delay < Longest ? delay : Longest;
    }
}
