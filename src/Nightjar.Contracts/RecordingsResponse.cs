namespace Nightjar.Contracts;

/// <summary><c>GET /api/v1/cameras/{id}/recordings?from=&amp;to=</c>: the recorded spans of the camera's main stream in that range, and the gaps between them.</summary>
public sealed record RecordingsResponse(string CameraId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<RecordedSpan> Spans, IReadOnlyList<RecordingGap> Gaps);
