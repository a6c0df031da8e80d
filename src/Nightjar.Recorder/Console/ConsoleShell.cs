namespace Nightjar.Recorder.Console;

/// <summary>
/// What every screen of one console shares: whether it is unlocked, and the request to show the Login dialog.
/// The layout owns the dialog; screens and menu icons ask for it through here.
/// </summary>
public sealed class ConsoleShell
{
    public event Action? Changed;

    public bool IsUnlocked { get; private set; }

    /// <summary>Whether this is the box's own screen (its browser showed the kiosk secret: <see cref="KioskBrowser"/>).</summary>
    public bool IsKiosk { get; set; }

    /// <summary>Where to go after a successful login; null while the Login dialog is closed.</summary>
    public string? LoginReturnPath { get; private set; }

    public string? LoginMessage { get; private set; }

    public void SetUnlocked(bool unlocked)
    {
        if (IsUnlocked != unlocked)
        {
            IsUnlocked = unlocked;
            Changed?.Invoke();
        }
    }

    public void OpenLogin(string returnPath, string? message = null)
    {
        LoginReturnPath = ConsolePaths.SafeReturnPath(returnPath);
        LoginMessage = message;
        Changed?.Invoke();
    }

    public void CloseLogin()
    {
        LoginReturnPath = null;
        LoginMessage = null;
        Changed?.Invoke();
    }
}
