namespace Nightjar.Contracts;

/// <summary>
/// A bearer token for the app (shown once, kept by the app), the device it belongs to, and a device cookie for the
/// app to send with its next sign-in (not a credential: it opens nothing by itself).
/// </summary>
public sealed record SessionResponse(string Token, string TokenType, string DeviceId, string DeviceCookie);
