namespace Nightjar.Recorder.Pairing;

/// <summary>A companion app as Settings → Mobile App lists it.</summary>
public sealed record PairedApp(long Id, string ClientName, DateTimeOffset CreatedUtc, DateTimeOffset LastSeenUtc, bool Current);
