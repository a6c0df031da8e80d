namespace Nightjar.Client;

/// <summary>The outcomes an app must handle, each differently.</summary>
public enum ClientStatus
{
    Ok,

    /// <summary>No answer: the recorder is off, or the network is down.</summary>
    Unreachable,

    /// <summary>Something answered with a certificate other than the one pinned at pairing: possibly a man in the middle.</summary>
    CertificateMismatch,

    WrongPassword,

    /// <summary>Too many attempts, or the recorder is busy: wait <see cref="ClientResult{T}.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>The password was changed on the recorder (at <see cref="ClientResult{T}.PasswordChangedAt"/>): ask the owner for the new one; do not retry.</summary>
    PasswordChanged,

    /// <summary>The token was signed out or revoked on the console: sign in again.</summary>
    SignedOut,

    /// <summary>The recorder has nothing of what was asked: no such camera, export or event, or nothing recorded in that time.</summary>
    NotFound,

    /// <summary>The recorder answered something this client does not understand.</summary>
    Failed,
}
