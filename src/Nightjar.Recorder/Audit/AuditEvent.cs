namespace Nightjar.Recorder.Audit;

/// <summary>Security-relevant events. The stored name is the enum name, so never rename a member.</summary>
public enum AuditEvent
{
    SetupCompleted,
    LoginSucceeded,
    LoginFailed,
    LoginLockedOut,
    LoggedOut,
    PasswordChanged,
    PasswordRehashed,
    DeviceRenamed,
    MailSettingsChanged,
    Reboot,
    ShutDown,
    ResetRequested,
    ResetWrongCode,
    ResetCodeBurned,
    ResetCodeAccepted,
    ResetCancelled,
    MailDelivered,
    MailNotDelivered,
    ConsoleRestarted,
    CameraAdded,
    CameraChanged,
    CameraRemoved,
    AppSignedIn,
    AppSignInFailed,
    AppSignInLimited,
    AppSignedOut,
    AppRevoked,
    RecoveryEmailChanged,
}
