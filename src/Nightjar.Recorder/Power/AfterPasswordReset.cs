namespace Nightjar.Recorder.Power;

public enum AfterPasswordReset
{
    /// <summary>Show "Rebooting…" and restart; the console comes back locked.</summary>
    Reboot,

    /// <summary>Offer "Restart now"; the new password is already in effect either way.</summary>
    Prompt,
}
