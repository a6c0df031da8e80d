using System.Globalization;

namespace Nightjar.Recorder.Recovery;

/// <summary>What the owner is told about a typed Secure Code or Recovery Key: the same words in the dialog and over HTTP.</summary>
public static class CodeCheckText
{
    /// <summary>The message for <paramref name="check"/>, or null when the entry was accepted.</summary>
    public static string? For(CodeCheck check, bool recoveryKey)
    {
        var what = recoveryKey ? "Recovery Key" : "code";
        return check switch
        {
            CodeCheck.Accepted => null,
            CodeCheck.Empty => recoveryKey ? "Type the Recovery Key." : "Type the Secure Code from the email.",
            CodeCheck.Wrong { AttemptsLeft: 1 } => $"Incorrect {what} — 1 attempt left",
            CodeCheck.Wrong wrong => $"Incorrect {what} — {wrong.AttemptsLeft.ToString(CultureInfo.InvariantCulture)} attempts left",
            CodeCheck.Burned => "Too many incorrect entries. Request a new code",
            CodeCheck.Expired => "This code has expired — request a new one",
            _ => "This code is no longer valid — request a new one",
        };
    }
}
