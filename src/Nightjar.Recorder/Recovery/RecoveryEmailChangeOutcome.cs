namespace Nightjar.Recorder.Recovery;

public abstract record RecoveryEmailChangeOutcome
{
    private RecoveryEmailChangeOutcome()
    {
    }

    public sealed record Changed(string Email) : RecoveryEmailChangeOutcome;

    /// <summary>A field's message, by <see cref="RecoveryEmailChange.EmailField"/> or <see cref="RecoveryEmailChange.PasswordField"/>.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string> Errors) : RecoveryEmailChangeOutcome;

    /// <summary>Every hashing slot was busy; nothing was checked or changed.</summary>
    public sealed record Busy : RecoveryEmailChangeOutcome;
}
