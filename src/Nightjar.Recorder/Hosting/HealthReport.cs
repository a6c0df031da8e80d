namespace Nightjar.Recorder.Hosting;

/// <summary><c>/healthz</c>: <c>ok</c>, or <c>storage-fault</c> (HTTP 503) with the problem in a phrase.</summary>
public sealed record HealthReport(string Status, string BootId, string Version, long UptimeSeconds, string? Problem = null);
