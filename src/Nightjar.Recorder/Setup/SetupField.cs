namespace Nightjar.Recorder.Setup;

/// <summary>Setup form field names; also the keys of validation messages. Relay fields use <see cref="Mail.RelayField"/>.</summary>
public static class SetupField
{
    public const string AdminPassword = "AdminPassword";
    public const string ConfirmPassword = "ConfirmPassword";
    public const string RecoveryEmail = "RecoveryEmail";
}
