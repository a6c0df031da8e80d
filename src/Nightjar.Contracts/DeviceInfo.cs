namespace Nightjar.Contracts;

/// <summary><c>GET /api/v1/device</c>.</summary>
public sealed record DeviceInfo(string DeviceId, string Name, string Model, string Version, string BootId, long UptimeSeconds);
