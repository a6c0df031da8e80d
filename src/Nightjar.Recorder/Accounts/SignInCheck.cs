namespace Nightjar.Recorder.Accounts;

/// <summary>What checking a user name and password came to, the same for the console and the app.</summary>
public enum SignInCheck
{
    Right,
    Wrong,

    /// <summary>Every hashing slot stayed busy; nothing was checked, so nothing may count as a failure.</summary>
    Busy,

    /// <summary>Setup has not stored a password yet.</summary>
    NotSetUp,
}
