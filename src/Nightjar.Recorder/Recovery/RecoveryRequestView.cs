using Nightjar.Recorder.Notifications;

namespace Nightjar.Recorder.Recovery;

/// <summary>What the Forgot Password dialog shows about a request. Never holds the code.</summary>
public sealed record RecoveryRequestView(
    string Id,
    RecoveryMethod Method,
    RecoveryRequestState State,
    DateTimeOffset CreatedUtc,
    DateTimeOffset ExpiresUtc,
    int AttemptsLeft,
    string? MaskedAddress,
    string? FilePath,
    OutboxEntry? Message);
