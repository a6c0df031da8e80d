namespace Nightjar.App;

/// <summary>SPEC §4: what scripts around <c>nightjar-app</c> rely on.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int UnreachableOrCertificate = 2;
    public const int PasswordChanged = 3;
    public const int WrongPassword = 4;

    /// <summary>No such camera, export or event, or nothing recorded in the range.</summary>
    public const int NothingFound = 5;
}
