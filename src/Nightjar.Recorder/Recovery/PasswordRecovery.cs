using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Security;
using Nightjar.Recorder.Storage;

namespace Nightjar.Recorder.Recovery;

/// <summary>
/// Forgot Password, from the request to the new password. A request carries one random Secure Code (stored
/// only as an HMAC) or stands for the Recovery Key; a new request voids the old one; wrong entries are
/// counted and burn the code; a right entry gives the dialog a ticket, and the ticket plus a valid new
/// password completes the reset in one transaction. Nothing here locks the account: the old password keeps
/// working until a reset completes.
/// </summary>
public sealed class PasswordRecovery(
    Database database,
    DeviceSecret deviceSecret,
    RecorderIdentityStore devices,
    RecoverySettingsStore recoverySettings,
    MailRelaySettingsStore relaySettings,
    Outbox outbox,
    PickupFolder pickup,
    RecoveryMessages messages,
    AdminAccount account,
    PasswordHasher hasher,
    CredentialEpoch epoch,
    AuditLog audit,
    IOptions<RecoveryOptions> options,
    IOptions<RecorderOptions> recorder,
    TimeProvider clock)
{
    public const string NewPasswordField = "NewPassword";
    public const string ConfirmPasswordField = "ConfirmPassword";

    private RecoveryOptions Settings => options.Value;

    /// <summary>Where the Secure Code goes when no recovery email is set.</summary>
    public string CodeFilePath => Path.Combine(recorder.Value.DataDirFullPath, "recovery-code.txt");

    /// <summary>Opens Forgot Password: shows the request already under way, or makes a new one.</summary>
    public Task<RecoveryStart> StartAsync() => CreateAsync(RequestKind.Open);

    /// <summary>"Resend Code": a new code that voids the old one, after the cool-down and within the hourly limit.</summary>
    public Task<RecoveryStart> ResendAsync() => CreateAsync(RequestKind.Resend);

    /// <summary>"Use Recovery Key": a request checked against the key from setup, with limits like a code's, counted on their own.</summary>
    public Task<RecoveryStart> StartWithRecoveryKeyAsync() => CreateAsync(RequestKind.RecoveryKey);

    public async Task CancelAsync(string requestId)
    {
        await using var connection = await database.OpenAsync();
        if (await ResetRequestStore.CancelAsync(connection, requestId))
        {
            await audit.WriteAsync(connection, null, AuditEvent.ResetCancelled, "Password reset cancelled at the console.");
            File.Delete(CodeFilePath);
        }
    }

    public async Task<RecoveryRequestView?> GetAsync(string requestId)
    {
        await using var connection = await database.OpenAsync();
        var row = await ResetRequestStore.FindAsync(connection, requestId);
        return row is null ? null : await ViewAsync(row);
    }

    /// <summary>
    /// Checks a typed Secure Code (or Recovery Key). The check, the attempt count and the move to "verified" are
    /// one IMMEDIATE transaction, so two submissions of the same right code cannot both be accepted.
    /// </summary>
    public async Task<CodeCheck> VerifyAsync(string requestId, string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return new CodeCheck.Empty();
        }

        var secret = await deviceSecret.GetAsync(DeviceSecret.RecoveryCodes);
        // The check, the count, the state change and the audit entry commit together: one write per guess.
        return await database.InTransactionAsync<CodeCheck>(async (connection, transaction) =>
        {
            var row = await ResetRequestStore.FindAsync(connection, requestId, transaction);
            if (row is null)
            {
                return new CodeCheck.NotActive();
            }

            if (row.State == nameof(RecoveryRequestState.Burned))
            {
                return new CodeCheck.Burned();
            }

            if (row.State != nameof(RecoveryRequestState.Active))
            {
                return new CodeCheck.NotActive();
            }

            if (row.ExpiresUtc <= clock.GetUtcNow())
            {
                return new CodeCheck.Expired();
            }

            bool right;
            if (Enum.Parse<RecoveryMethod>(row.Method) == RecoveryMethod.RecoveryKey)
            {
                // Read only for a Recovery Key request, inside the transaction: a code guess costs no extra query.
                var keyHash = await recoverySettings.GetKeyHashAsync(connection, transaction);
                right = keyHash is not null && RecoveryKey.HashOf(typed) is { } typedHash
                    && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(typedHash), Encoding.ASCII.GetBytes(keyHash));
            }
            else
            {
                right = row.CodeHmac is not null && SecureCode.Matches(secret, row.Id, typed, Convert.FromHexString(row.CodeHmac));
            }

            if (right)
            {
                var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
                await ResetRequestStore.MarkVerifiedAsync(connection, transaction, requestId, TicketHash(ticket));
                await audit.WriteAsync(connection, transaction, AuditEvent.ResetCodeAccepted, "Reset proof accepted; waiting for the new password.");
                return new CodeCheck.Accepted(ticket);
            }

            var wrong = row.WrongAttemptsCount + 1;
            var burned = wrong >= Settings.MaxWrongAttempts;
            await ResetRequestStore.CountWrongAsync(connection, transaction, requestId, wrong, burned);
            if (burned)
            {
                await audit.WriteAsync(connection, transaction, AuditEvent.ResetCodeBurned, $"Wrong code entered {Settings.MaxWrongAttempts} times; the code is burned.");
                return new CodeCheck.Burned();
            }

            await audit.WriteAsync(connection, transaction, AuditEvent.ResetWrongCode, "Wrong Secure Code or Recovery Key entered.");
            return new CodeCheck.Wrong(Settings.MaxWrongAttempts - wrong);
        });
    }

    /// <summary>
    /// Sets the new password for a verified request. In one transaction: the request is consumed (only if it is
    /// still verified, unexpired and the ticket matches), the hash is replaced, the credential epoch moves on
    /// (ending every session and app token), the audit entry and the "password changed" email are written.
    /// A crash at any point leaves either the old password or the new one, never neither.
    /// </summary>
    public async Task<ResetCompletion> CompleteAsync(string requestId, string? ticket, string? newPassword, string? confirmPassword)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (PasswordPolicy.CheckNewPassword(newPassword, confirmPassword) is { } problem)
        {
            errors[problem.OnConfirmation ? ConfirmPasswordField : NewPasswordField] = problem.Message;
        }

        if (errors.Count > 0)
        {
            return new ResetCompletion.Invalid(errors);
        }

        if (string.IsNullOrEmpty(ticket) || ticket.Length > 128 || !await account.HasPasswordAsync())
        {
            return new ResetCompletion.NotVerified();
        }

        var hash = await hasher.HashAsync(PasswordPolicy.Normalize(newPassword!));
        if (hash is null)
        {
            return new ResetCompletion.Busy();
        }

        var device = await devices.GetAsync();
        var email = await recoverySettings.GetEmailAsync();
        var now = clock.GetUtcNow();
        var outcome = await database.InTransactionAsync(async (connection, transaction) =>
        {
            var method = await ResetRequestStore.ConsumeAsync(connection, transaction, requestId, TicketHash(ticket), now);
            if (method is null)
            {
                return (Epoch: (long?)null, Key: (string?)null, MessageId: (long?)null);
            }

            var newEpoch = await account.ReplacePasswordAsync(connection, transaction, hash);
            var usedKey = method == nameof(RecoveryMethod.RecoveryKey);
            string? newKey = null;
            if (usedKey)
            {
                // The key has been typed at the screen; issue a fresh one so the old paper is worthless.
                newKey = RecoveryKey.New();
                await recoverySettings.ReplaceKeyAsync(connection, transaction, RecoveryKey.HashOf(newKey)!);
            }

            var how = usedKey ? "with the Recovery Key" : "with an emailed Secure Code";
            await audit.WriteAsync(connection, transaction, AuditEvent.PasswordChanged, $"Password reset at the console {how}; every session ended.");
            long? messageId = null;
            if (email is not null)
            {
                var notice = messages.PasswordChanged(email, device, now, how);
                messageId = await outbox.EnqueueAsync(connection, transaction, notice, "password-changed", now.AddDays(7), sensitive: false);
            }

            return (Epoch: (long?)newEpoch, Key: newKey, MessageId: messageId);
        });

        if (outcome.Epoch is not { } committedEpoch)
        {
            return new ResetCompletion.NotVerified();
        }

        epoch.Committed(committedEpoch);
        File.Delete(CodeFilePath);
        if (outcome.MessageId is { } id)
        {
            outbox.Queued(id);
        }

        return new ResetCompletion.Succeeded(outcome.Key);
    }

    private enum RequestKind
    {
        /// <summary>Forgot Password opened: the request under way if there is one, else a new code.</summary>
        Open,

        /// <summary>Resend Code: a new code, after the cool-down.</summary>
        Resend,

        RecoveryKey,
    }

    private async Task<RecoveryStart> CreateAsync(RequestKind kind)
    {
        // Before setup there is nothing to recover: a reset must never be a way to set the first password without
        // the setup wizard's Recovery Key, recovery email and audit entry.
        if (!await account.HasPasswordAsync())
        {
            return new RecoveryStart.NotSetUp();
        }

        var email = await recoverySettings.GetEmailAsync();
        var relay = await relaySettings.GetEffectiveAsync();
        var method = kind == RequestKind.RecoveryKey ? RecoveryMethod.RecoveryKey
            : email is null ? RecoveryMethod.CodeFile
            : relay.IsConfigured ? RecoveryMethod.Email
            : RecoveryMethod.PickupFile;
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var code = method == RecoveryMethod.RecoveryKey ? null : SecureCode.New();
        var secret = await deviceSecret.GetAsync(DeviceSecret.RecoveryCodes);
        var device = await devices.GetAsync();

        // The limits are read inside the write transaction that adds the request (IMMEDIATE: one writer at a time),
        // so requests arriving together are counted one after another and cannot all pass the same check.
        var outcome = await database.InTransactionAsync<(RecoveryStart? Refused, string Id, long? MessageId)>(async (connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            if (kind == RequestKind.Open)
            {
                if (await ResetRequestStore.UnderWayCodeRequestAsync(connection, transaction, now) is { } underWay)
                {
                    return (null, underWay, null);
                }
            }

            if (kind == RequestKind.Resend)
            {
                if (await ResetRequestStore.LastCodeCreatedAsync(connection, transaction) is { } created && created + Settings.ResendCooldown > now)
                {
                    return (new RecoveryStart.CoolingDown(created + Settings.ResendCooldown), "", null);
                }
            }

            // Codes and Recovery Key requests are limited separately: a flood of code requests (each one an email to
            // the owner) must not also shut the owner out of the Recovery Key, whose space makes guessing hopeless.
            var lastHour = await ResetRequestStore.CreatedSinceAsync(connection, transaction, now.AddHours(-1), recoveryKey: kind == RequestKind.RecoveryKey);
            if (lastHour.Count >= Settings.MaxRequestsPerHour)
            {
                return (new RecoveryStart.RateLimited(lastHour[lastHour.Count - Settings.MaxRequestsPerHour].AddHours(1)), "", null);
            }

            var expires = now + Settings.CodeLifetime;

            // A new request voids every older one, so only the newest code can ever be used.
            await ResetRequestStore.SupersedeOpenAsync(connection, transaction);
            await ResetRequestStore.InsertAsync(connection, transaction, id, now, expires, method,
                code is null ? null : Convert.ToHexString(SecureCode.Mac(secret, id, code)!));

            long? queued = null;
            if (method is RecoveryMethod.Email or RecoveryMethod.PickupFile)
            {
                var message = messages.ResetPassword(email!, device, code!, now, expires);
                var messageId = await outbox.EnqueueAsync(connection, transaction, message, "reset-password", expires, sensitive: true);
                await ResetRequestStore.SetMessageAsync(connection, transaction, id, messageId);
                queued = messageId;
            }
            else if (method == RecoveryMethod.CodeFile)
            {
                // Written before the commit: a crash in between leaves a file whose code matches no request.
                DataFolder.WritePrivateAtomically(CodeFilePath, Encoding.UTF8.GetBytes(
                    $"Nightjar Secure Code: {SecureCode.Display(code!)}\nValid until {expires:yyyy-MM-dd HH:mm:ss} UTC. It works once.\n"));
            }

            var detail = method switch
            {
                RecoveryMethod.Email => $"Password reset requested; Secure Code queued for {RecoveryEmail.Mask(email!)}.",
                RecoveryMethod.PickupFile => "Password reset requested; no mail relay, so the email went to the pickup folder.",
                RecoveryMethod.CodeFile => "Password reset requested; no recovery email, so the code was written to the data folder.",
                _ => "Password reset with the Recovery Key started.",
            };
            await audit.WriteAsync(connection, transaction, AuditEvent.ResetRequested, detail);
            return (null, id, queued);
        });

        if (outcome.Refused is { } refused)
        {
            return refused;
        }

        if (outcome.MessageId is { } queuedId)
        {
            outbox.Queued(queuedId);
        }

        return new RecoveryStart.Started((await GetAsync(outcome.Id))!);
    }

    private async Task<RecoveryRequestView> ViewAsync(ResetRequestRow row)
    {
        var method = Enum.Parse<RecoveryMethod>(row.Method);
        var email = method is RecoveryMethod.Email or RecoveryMethod.PickupFile ? await recoverySettings.GetEmailAsync() : null;
        var message = row.MessageId is { } messageId ? await outbox.GetAsync(messageId) : null;
        var file = method switch
        {
            RecoveryMethod.PickupFile when row.MessageId is { } pickupId => pickup.FileFor(pickupId),
            RecoveryMethod.CodeFile => CodeFilePath,
            _ => null,
        };
        return new RecoveryRequestView(
            row.Id,
            method,
            Enum.Parse<RecoveryRequestState>(row.State),
            row.CreatedUtc,
            row.ExpiresUtc,
            Math.Max(0, Settings.MaxWrongAttempts - row.WrongAttemptsCount),
            email is null ? null : RecoveryEmail.Mask(email),
            file,
            message);
    }

    private static string TicketHash(string ticket) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(ticket)));
}
