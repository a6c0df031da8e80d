namespace Nightjar.Recorder.Hosting;

/// <summary><c>/healthz</c> (always HTTP 200): <c>ok</c>, or <c>storage-fault</c> with the problem in a phrase.</summary>
public sealed record HealthReport(string Status, string BootId, string Version, long UptimeSeconds, string? Problem = null);
