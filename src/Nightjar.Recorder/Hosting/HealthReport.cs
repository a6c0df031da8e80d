namespace Nightjar.Recorder.Hosting;

public sealed record HealthReport(string Status, string BootId, string Version, long UptimeSeconds);
