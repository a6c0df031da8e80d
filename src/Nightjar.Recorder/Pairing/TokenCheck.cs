namespace Nightjar.Recorder.Pairing;

/// <summary>What a bearer token is worth on this request.</summary>
public abstract record TokenCheck
{
    private TokenCheck()
    {
    }

    /// <summary>A token of the current credential epoch (<paramref name="Epoch"/>).</summary>
    public sealed record Valid(long TokenId, string ClientName, long Epoch) : TokenCheck;

    /// <summary>Issued before the password was changed at <paramref name="ChangedUtc"/>: the app must ask its owner for the new password.</summary>
    public sealed record CredentialsChanged(DateTimeOffset ChangedUtc) : TokenCheck;

    /// <summary>Unknown, malformed, signed out or revoked on the console.</summary>
    public sealed record Invalid : TokenCheck;
}
