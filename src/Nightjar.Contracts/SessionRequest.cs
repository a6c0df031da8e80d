namespace Nightjar.Contracts;

/// <summary>
/// <c>POST /api/v1/sessions</c>: the owner's user name and password, a name for this app ("Jane's phone"), and the
/// device cookie from this app's last sign-in, if any (it earns the app its own wrong-password allowance).
/// </summary>
public sealed record SessionRequest(string? UserName, string? Password, string? ClientName, string? DeviceCookie = null);
