namespace Nightjar.App.Tests;

/// <summary>
/// The exit codes as the README and SPEC §4 give them to scripts, written out here rather than taken from the app's
/// own constants, so a changed number fails a test instead of changing with it.
/// </summary>
internal static class Exit
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int UnreachableOrCertificate = 2;
    public const int PasswordChanged = 3;
    public const int WrongPassword = 4;
    public const int NothingFound = 5;
}
