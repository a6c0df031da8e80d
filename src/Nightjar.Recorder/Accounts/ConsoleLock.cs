using System.Security.Cryptography;

namespace Nightjar.Recorder.Accounts;

/// <summary>
/// Lock means every console session, not only the tab that pressed it. Each login cookie carries the id of the
/// sign-in window it was issued in; Lock opens a new window, so every cookie from before is refused on its next
/// request and every open screen (a Blazor circuit never re-reads its cookie) is told to lock at once. The id
/// lives in memory only, like the cookie keys: a restart ends every session anyway.
/// </summary>
public sealed class ConsoleLock
{
    private string window = NewWindow();

    /// <summary>Raised after Lock, so open console screens lock themselves.</summary>
    public event Action? Locked;

    public string Window => Volatile.Read(ref window);

    public void LockEverySession()
    {
        Volatile.Write(ref window, NewWindow());
        Locked?.Invoke();
    }

    private static string NewWindow() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
