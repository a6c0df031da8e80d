namespace Nightjar.Recording.Storage;

/// <summary>How the engine's previous run ended: cleanly with a reason, or not at all (a crash or a power cut).</summary>
public sealed record EngineRun(long Id, DateTimeOffset Started, DateTimeOffset? Stopped, string? StopReason);
