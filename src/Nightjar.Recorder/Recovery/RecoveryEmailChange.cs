using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Recovery;

/// <summary>
/// Settings → Email → Recovery Email: the address the Secure Code goes to. Whoever changes it decides where the
/// next reset code goes, so an unlocked console alone is not enough: the current password is asked again, and wrong
/// entries count toward the console's login lock like any other wrong password.
/// </summary>
public sealed class RecoveryEmailChange(Database database, ConsoleLogin login, AuditLog audit)
{
    public const string EmailField = "RecoveryEmail";
    public const string PasswordField = "CurrentPassword";

    public async Task<RecoveryEmailChangeOutcome> ChangeAsync(string? newEmail, string? currentPassword)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(newEmail))
        {
            errors[EmailField] = "Type the new recovery email address.";
        }
        else if (RecoveryEmail.Validate(newEmail) is { } emailError)
        {
            errors[EmailField] = emailError;
        }

        if (string.IsNullOrEmpty(currentPassword))
        {
            errors[PasswordField] = "Type the current password.";
        }

        if (errors.Count > 0)
        {
            return new RecoveryEmailChangeOutcome.Invalid(errors);
        }

        switch (await login.LoginAsync(AdminAccount.UserName, currentPassword, "Password confirmed at the console to change the recovery email."))
        {
            case LoginOutcome.Busy:
                return new RecoveryEmailChangeOutcome.Busy();
            case LoginOutcome.LockedOut locked:
                return new RecoveryEmailChangeOutcome.Invalid(new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [PasswordField] = $"Too many wrong passwords. Try again after {locked.Until.ToLocalTime():HH:mm}.",
                });
            case LoginOutcome.Succeeded:
                break;
            default:
                return new RecoveryEmailChangeOutcome.Invalid(new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [PasswordField] = "Wrong password.",
                });
        }

        var email = newEmail!.Trim();
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("UPDATE recovery SET email = @Email WHERE id = 1", new { Email = email }, transaction);
            await audit.WriteAsync(connection, transaction, AuditEvent.RecoveryEmailChanged, $"Recovery email changed to {RecoveryEmail.Mask(email)}.");
            return 0;
        });
        return new RecoveryEmailChangeOutcome.Changed(email);
    }
}
