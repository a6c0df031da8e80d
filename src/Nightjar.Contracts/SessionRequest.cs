namespace Nightjar.Contracts;

/// <summary><c>POST /api/v1/sessions</c>: the owner's user name and password, and a name for this app ("Jane's phone").</summary>
public sealed record SessionRequest(string? UserName, string? Password, string? ClientName);
