namespace Nightjar.Recording;

/// <summary>Recorded without a break from <see cref="Start"/> to <see cref="End"/>.</summary>
public sealed record TimelineSpan(DateTimeOffset Start, DateTimeOffset End);
