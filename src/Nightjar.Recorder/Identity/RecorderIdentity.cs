namespace Nightjar.Recorder.Identity;

/// <summary>Who this recorder is: made once at first start; only the name can change later.</summary>
public sealed record RecorderIdentity(string DeviceId, string Name, string Model, string Version);
