namespace Nightjar.Contracts;

/// <summary>Recorded without a break from <see cref="Start"/> to <see cref="End"/> (UTC).</summary>
public sealed record RecordedSpan(DateTimeOffset Start, DateTimeOffset End);
