namespace Nightjar.Contracts;

/// <summary><c>POST /api/v1/web/session</c>: the owner's user name and password, typed into the web app's "Log In".</summary>
public sealed record WebSessionRequest(string? UserName, string? Password);
