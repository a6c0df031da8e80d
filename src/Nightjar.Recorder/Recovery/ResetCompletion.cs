namespace Nightjar.Recorder.Recovery;

public abstract record ResetCompletion
{
    private ResetCompletion()
    {
    }

    /// <param name="NewRecoveryKey">After a reset with the Recovery Key, the key that replaces it (shown once); otherwise null.</param>
    public sealed record Succeeded(string? NewRecoveryKey) : ResetCompletion;

    /// <summary>The new password was refused; messages are keyed "NewPassword" / "ConfirmPassword".</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string> Errors) : ResetCompletion;

    /// <summary>The verified request is gone: used, expired, cancelled or replaced. Nothing changed.</summary>
    public sealed record NotVerified : ResetCompletion;

    public sealed record Busy : ResetCompletion;
}
