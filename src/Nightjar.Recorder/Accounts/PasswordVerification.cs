namespace Nightjar.Recorder.Accounts;

public enum PasswordVerification
{
    Mismatch,
    Match,

    /// <summary>The password is right but was hashed with weaker parameters than today's: store a new hash.</summary>
    MatchNeedsRehash,

    /// <summary>Every hashing slot stayed busy for the queue timeout; nothing was checked.</summary>
    Busy,
}
