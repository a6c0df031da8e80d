namespace Nightjar.Recorder.Mail;

/// <summary>The relay settings in force, and which of them come from configuration (and so cannot be edited in the console).</summary>
public sealed record EffectiveRelaySettings(RelaySettings Settings, IReadOnlySet<string> FromConfiguration)
{
    public bool IsConfigured => Settings.Host.Length > 0;

    public bool IsLocked(string field) => FromConfiguration.Contains(field);
}
