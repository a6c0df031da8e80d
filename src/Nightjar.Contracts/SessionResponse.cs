namespace Nightjar.Contracts;

/// <summary>A bearer token for the app (shown once, kept by the app) and the device it belongs to.</summary>
public sealed record SessionResponse(string Token, string TokenType, string DeviceId);
