namespace Nightjar.Client;

/// <summary>
/// One recorder the app knows. The token is a secret: never print it. The password is never stored. The device
/// cookie from the last sign-in goes with the next one, so this app keeps its own wrong-password allowance.
/// </summary>
public sealed record PairedDevice(
    string Name,
    string DeviceId,
    string Host,
    int Port,
    string Sha256Fingerprint,
    string? Token,
    DateTimeOffset? PasswordChangedAt,
    string? DeviceCookie = null)
{
    public Contracts.PairingUri Pairing => new(DeviceId, Host, Port, Sha256Fingerprint);
}
