namespace Nightjar.Recorder.Notifications;

/// <summary>The settings in effect, which fields configuration set (read-only in the console), and which secrets are saved.</summary>
public sealed record EffectiveNotificationSettings(NotificationSettings Settings, IReadOnlySet<string> FromConfiguration, IReadOnlySet<string> SavedSecrets);
