using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Storage;

namespace Nightjar.Recorder.Setup;

/// <summary>
/// First-boot setup: the admin password, the recovery email, the mail relay and the Recovery Key, stored together
/// in one transaction, and only while no admin password exists. Once it has run it can never run again, so
/// nobody can take the recorder over by "setting it up" a second time.
/// </summary>
public sealed class FirstBootSetup(
    Database database,
    AdminAccount account,
    PasswordHasher hasher,
    MailRelaySettingsStore relayStore,
    RecoverySettingsStore recoveryStore,
    AuditLog audit)
{
    public Task<bool> IsCompleteAsync() => account.HasPasswordAsync();

    /// <summary>Checks the first page (password and confirmation) on its own, so "Next" can say what is wrong.</summary>
    public static Dictionary<string, string> ValidatePasswordStep(string? password, string? confirmation)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (PasswordPolicy.CheckNewPassword(password, confirmation) is { } problem)
        {
            errors[problem.OnConfirmation ? SetupField.ConfirmPassword : SetupField.AdminPassword] = problem.Message;
        }

        return errors;
    }

    public static Dictionary<string, string> Validate(SetupRequest request)
    {
        var errors = ValidatePasswordStep(request.AdminPassword, request.ConfirmPassword);
        if (RecoveryEmail.Validate(request.RecoveryEmail) is { } emailError)
        {
            errors[SetupField.RecoveryEmail] = emailError;
        }

        foreach (var (field, message) in MailRelaySettingsStore.Validate(request.Relay))
        {
            errors[field] = message;
        }

        return errors;
    }

    public async Task<SetupResult> CompleteAsync(SetupRequest request)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return new SetupResult(errors, AlreadyComplete: false, RecoveryKey: null);
        }

        if (await account.HasPasswordAsync())
        {
            return AlreadyComplete();
        }

        var passwordHash = await hasher.HashAsync(PasswordPolicy.Normalize(request.AdminPassword));
        if (passwordHash is null)
        {
            return new SetupResult(
                new Dictionary<string, string> { [SetupField.AdminPassword] = "The recorder is busy. Try again in a moment." },
                AlreadyComplete: false,
                RecoveryKey: null);
        }

        var recoveryKey = RecoveryKey.New();
        var stored = await database.InTransactionAsync(async (connection, transaction) =>
        {
            if (!await account.TrySetInitialPasswordAsync(connection, transaction, passwordHash))
            {
                return false; // Someone else finished setup first; this transaction stores nothing.
            }

            await recoveryStore.SaveAsync(connection, transaction, request.RecoveryEmail, RecoveryKey.HashOf(recoveryKey)!);
            await relayStore.SaveAsync(connection, transaction, request.Relay);
            var email = string.IsNullOrWhiteSpace(request.RecoveryEmail) ? "no recovery email" : "recovery email " + RecoveryEmail.Mask(request.RecoveryEmail.Trim());
            await audit.WriteAsync(connection, transaction, AuditEvent.SetupCompleted, $"Setup completed with {email}; Recovery Key issued.");
            return true;
        });

        if (!stored)
        {
            return AlreadyComplete();
        }

        account.SetupCommitted();
        return new SetupResult(new Dictionary<string, string>(), AlreadyComplete: false, recoveryKey);
    }

    private static SetupResult AlreadyComplete() =>
        new(new Dictionary<string, string>(), AlreadyComplete: true, RecoveryKey: null);
}
