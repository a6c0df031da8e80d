namespace Nightjar.Recorder.Setup;

/// <summary>
/// Either field messages (nothing was stored), "already complete" (nothing was stored), or success with the
/// Recovery Key to show once.
/// </summary>
public sealed record SetupResult(IReadOnlyDictionary<string, string> Errors, bool AlreadyComplete, string? RecoveryKey)
{
    public bool Succeeded => RecoveryKey is not null;
}
