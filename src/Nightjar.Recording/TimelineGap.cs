namespace Nightjar.Recording;

/// <summary>Nothing recorded from <see cref="Start"/> to <see cref="End"/>; <see cref="Reason"/> says why, when known.</summary>
public sealed record TimelineGap(DateTimeOffset Start, DateTimeOffset End, string? Reason)
{
    public TimeSpan Duration => End - Start;
}
