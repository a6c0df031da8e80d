using System.Text;
using Nightjar.Recorder.Security;

namespace Nightjar.Recorder.Accounts;

/// <summary>
/// The password rules of SPEC §5, evaluated one by one so the console can show each as met or not met while the
/// person types. Passwords are NFKC-normalised first, so the same password typed on the on-screen keyboard, a
/// physical keyboard or a phone compares equal; length counts Unicode code points, as NIST SP 800-63B asks.
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 8;
    public const int MaximumLength = 64;

    /// <summary>zxcvbn's "safely unguessable" band: about 10^8 guesses or more.</summary>
    public const int MinimumStrengthScore = 3;

    // One estimator for the process: it loads its word lists once (the static MatchPassword reloads them on every
    // call, about 35 ms each, on every keystroke of the rule prompts). Read-only once loaded; the property tests
    // call it from several threads at once.
    private static readonly Zxcvbn.Zxcvbn Strength = new();

    /// <summary>
    /// NFKC. Text with a broken surrogate (which a browser can send, but no keyboard types) cannot be normalised; its
    /// broken halves become U+FFFD, so it is compared like any other wrong password instead of failing the request.
    /// </summary>
    public static string Normalize(string password) =>
        (TypedText.IsWellFormed(password) ? password : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(password))).Normalize(NormalizationForm.FormKC);

    public static IReadOnlyList<PasswordRuleResult> Evaluate(string? password, string userName)
    {
        var normalized = Normalize(password ?? "");
        var length = normalized.EnumerateRunes().Count();
        var longEnough = length >= MinimumLength;
        var shortEnough = length <= MaximumLength;
        var noControl = TypedText.IsWellFormed(password ?? "") && !normalized.Any(char.IsControl);
        var notUserName = normalized.Length == 0
            || !string.Equals(normalized.Trim(), Normalize(userName), StringComparison.OrdinalIgnoreCase);

        // zxcvbn is costly on long input; anything past the maximum fails on length anyway.
        var hardToGuess = longEnough && shortEnough
            && Strength.EvaluatePassword(normalized, [userName, "nightjar", "recorder", "admin", "password"]).Score >= MinimumStrengthScore;

        return
        [
            new(PasswordRule.MinimumLength, longEnough, $"At least {MinimumLength} characters"),
            new(PasswordRule.MaximumLength, shortEnough, $"At most {MaximumLength} characters"),
            new(PasswordRule.NotUserName, notUserName, "Not the user name"),
            new(PasswordRule.HardToGuess, hardToGuess, "Not a common or easily guessed password"),
            new(PasswordRule.NoControlCharacters, noControl, "No line breaks or control characters"),
        ];
    }

    public static bool IsAcceptable(string? password, string userName) => Evaluate(password, userName).All(r => r.Met);

    /// <summary>
    /// Checks a new admin password and its confirmation, as setup and a reset both ask for them. Returns null when
    /// both are fine, else whether the confirmation (rather than the password) is at fault, and what to say.
    /// </summary>
    public static (bool OnConfirmation, string Message)? CheckNewPassword(string? password, string? confirmation)
    {
        var unmet = Evaluate(password, AdminAccount.UserName).Where(r => !r.Met).ToList();
        if (unmet.Count > 0)
        {
            return (false, "The password must meet every rule: " + string.Join("; ", unmet.Select(r => r.Prompt.ToLowerInvariant())) + ".");
        }

        return string.Equals(Normalize(password!), Normalize(confirmation ?? ""), StringComparison.Ordinal)
            ? null
            : (true, "The passwords do not match.");
    }
}
