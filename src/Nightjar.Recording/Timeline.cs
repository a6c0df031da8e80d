namespace Nightjar.Recording;

/// <summary>
/// What a stream holds over a time range: recorded spans (contiguous recordings merged) and the gaps between them,
/// each gap with the reason recording stopped when it is known ("camera unreachable", "recorder rebooted").
/// </summary>
public sealed record Timeline(StreamKey Stream, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TimelineSpan> Spans, IReadOnlyList<TimelineGap> Gaps);
