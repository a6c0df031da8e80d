namespace Nightjar.Recorder.Audit;

/// <summary>What each stored event name says on Settings → Log, in words an owner reads.</summary>
public static class AuditWords
{
    public static string For(string storedEvent) => Enum.TryParse<AuditEvent>(storedEvent, out var known) ? For(known) : storedEvent;

    public static string For(AuditEvent auditEvent) => auditEvent switch
    {
        AuditEvent.SetupCompleted => "Setup completed",
        AuditEvent.LoginSucceeded => "Logged in",
        AuditEvent.LoginFailed => "Wrong password",
        AuditEvent.LoginLockedOut => "Login locked",
        AuditEvent.LoggedOut => "Locked",
        AuditEvent.PasswordChanged => "Password changed",
        AuditEvent.PasswordRehashed => "Password hash upgraded",
        AuditEvent.DeviceRenamed => "Device renamed",
        AuditEvent.MailSettingsChanged => "Email settings changed",
        AuditEvent.Reboot => "Rebooted",
        AuditEvent.ShutDown => "Shut down",
        AuditEvent.ResetRequested => "Password reset requested",
        AuditEvent.ResetWrongCode => "Wrong Secure Code",
        AuditEvent.ResetCodeBurned => "Secure Code used up",
        AuditEvent.ResetCodeAccepted => "Secure Code accepted",
        AuditEvent.ResetCancelled => "Password reset cancelled",
        AuditEvent.MailDelivered => "Email delivered",
        AuditEvent.MailNotDelivered => "Email not delivered",
        AuditEvent.ConsoleRestarted => "Console restarted",
        AuditEvent.CameraAdded => "Camera added",
        AuditEvent.CameraChanged => "Camera changed",
        AuditEvent.CameraRemoved => "Camera removed",
        AuditEvent.AppSignedIn => "App signed in",
        AuditEvent.AppSignInFailed => "App: wrong password",
        AuditEvent.AppSignInLimited => "App sign-in limited",
        AuditEvent.AppSignedOut => "App signed out",
        AuditEvent.AppRevoked => "App revoked",
        AuditEvent.RecoveryEmailChanged => "Recovery email changed",
        AuditEvent.NotificationSettingsChanged => "Notification settings changed",
        AuditEvent.MailWrittenToPickup => "Email not sent (no mail relay)",
        AuditEvent.KioskAdmitted => "Screen's browser admitted",
        AuditEvent.KioskSecretRefused => "Wrong kiosk secret",
        _ => auditEvent.ToString(),
    };
}
