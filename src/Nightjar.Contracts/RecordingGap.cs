namespace Nightjar.Contracts;

/// <summary>Nothing recorded from <see cref="Start"/> to <see cref="End"/> (UTC), and why when the recorder knows ("camera unreachable", "recorder rebooted").</summary>
public sealed record RecordingGap(DateTimeOffset Start, DateTimeOffset End, string? Reason);
