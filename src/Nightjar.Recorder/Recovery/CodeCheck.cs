namespace Nightjar.Recorder.Recovery;

/// <summary>The answer to a typed Secure Code or Recovery Key; each case is worded differently on screen.</summary>
public abstract record CodeCheck
{
    private CodeCheck()
    {
    }

    /// <summary>Right. The ticket (held by the dialog that typed it) is what lets that dialog set the new password.</summary>
    public sealed record Accepted(string Ticket) : CodeCheck;

    public sealed record Wrong(int AttemptsLeft) : CodeCheck;

    /// <summary>Too many wrong entries: this code can no longer be used.</summary>
    public sealed record Burned : CodeCheck;

    public sealed record Expired : CodeCheck;

    /// <summary>The request was cancelled, replaced by a newer one, or already used.</summary>
    public sealed record NotActive : CodeCheck;

    /// <summary>Nothing was typed; nothing was counted.</summary>
    public sealed record Empty : CodeCheck;
}
