namespace Nightjar.Contracts;

/// <summary>A browser's push keys, base64url: its P-256 public key (65 bytes) and its authentication secret (16 bytes).</summary>
public sealed record PushSubscriptionKeys(string? P256dh, string? Auth);
