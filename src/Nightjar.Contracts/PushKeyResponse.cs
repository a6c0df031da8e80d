namespace Nightjar.Contracts;

/// <summary>
/// <c>GET /api/v1/push/key</c>: the recorder's VAPID public key (65 bytes, base64url), which a browser subscribes with
/// as its <c>applicationServerKey</c>.
/// </summary>
public sealed record PushKeyResponse(string PublicKey);
