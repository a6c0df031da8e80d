namespace Nightjar.TestSupport;

/// <summary>
/// One request the push service stub received: which subscription's address, its headers and body, and why the stub
/// refused it as a push service would (null when it took it).
/// </summary>
public sealed record PushCall(string Path, string Authorization, string ContentEncoding, string Ttl, string Urgency, byte[] Body, string? Refusal);
