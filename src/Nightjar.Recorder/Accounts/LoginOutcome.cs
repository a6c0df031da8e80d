namespace Nightjar.Recorder.Accounts;

/// <summary>What a console login attempt came to. Each case is something the login dialog says differently.</summary>
public abstract record LoginOutcome
{
    private LoginOutcome()
    {
    }

    public sealed record Succeeded(long Epoch) : LoginOutcome;

    public sealed record WrongCredentials(int AttemptsLeft) : LoginOutcome;

    public sealed record LockedOut(DateTimeOffset Until) : LoginOutcome;

    /// <summary>Setup has not stored a password yet.</summary>
    public sealed record NotSetUp : LoginOutcome;

    /// <summary>Every hashing slot is busy; nothing was checked and nothing counted.</summary>
    public sealed record Busy : LoginOutcome;
}
