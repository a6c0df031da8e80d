namespace Nightjar.Recorder.Devices;

/// <summary>Who this recorder is: made once at first start; only the name can change later.</summary>
public sealed record DeviceIdentity(string DeviceId, string Name, string Model, string Version);
