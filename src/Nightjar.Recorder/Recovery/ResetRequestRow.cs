namespace Nightjar.Recorder.Recovery;

/// <summary>A <c>reset_request</c> row as SQLite returns it (integers are 64-bit, names are text).</summary>
internal sealed record ResetRequestRow(
    string Id, DateTimeOffset CreatedUtc, DateTimeOffset ExpiresUtc, string Method, string? CodeHmac, long WrongAttempts, string State, long? MessageId)
{
    public int WrongAttemptsCount => (int)WrongAttempts;
}
