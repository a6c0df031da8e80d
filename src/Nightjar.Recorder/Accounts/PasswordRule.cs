namespace Nightjar.Recorder.Accounts;

public enum PasswordRule
{
    MinimumLength,
    MaximumLength,
    NotUserName,
    HardToGuess,
    NoControlCharacters,
}
