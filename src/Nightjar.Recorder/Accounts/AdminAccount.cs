using Microsoft.Data.Sqlite;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Accounts;

/// <summary>The recorder's one account, <c>admin</c>: its password hash and credential epoch.</summary>
public sealed class AdminAccount(Database database, PasswordHasher hasher, CredentialEpoch epoch, AuditLog audit, TimeProvider clock)
{
    public const string UserName = "admin";

    /// <summary>Longer user names or passwords are wrong without being hashed (the hash of 1 MB costs the same as of 20 bytes, but parsing it does not).</summary>
    public const int MaxInputLength = 256;

    private volatile bool hasPassword;

    /// <summary>True once first-boot setup stored a password. It never goes back to false.</summary>
    public async Task<bool> HasPasswordAsync()
    {
        if (hasPassword)
        {
            return true;
        }

        await using var connection = await database.OpenAsync();
        hasPassword = await connection.ExecuteScalarAsync<bool>(
            "SELECT password_hash IS NOT NULL FROM account WHERE user_name = @UserName", new { UserName });
        return hasPassword;
    }

    /// <summary>
    /// Stores the first password inside the setup transaction. Returns false if a password already exists:
    /// the <c>IS NULL</c> condition is what makes setup impossible to run twice, even by two racing requests.
    /// </summary>
    public async Task<bool> TrySetInitialPasswordAsync(SqliteConnection connection, SqliteTransaction transaction, string passwordHash)
    {
        var updated = await connection.ExecuteAsync(
            "UPDATE account SET password_hash = @Hash, password_changed_utc = @Now WHERE user_name = @UserName AND password_hash IS NULL",
            new { Hash = passwordHash, Now = clock.GetUtcNow(), UserName },
            transaction);
        return updated == 1;
    }

    internal void SetupCommitted() => hasPassword = true;

    public async Task<string?> GetPasswordHashAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT password_hash FROM account WHERE user_name = @UserName", new { UserName });
    }

    /// <summary>
    /// Sets a new password and ends every session and token issued before it. The hash, the epoch and the audit
    /// entry are written in one transaction: after a crash either the old password and epoch hold, or the new ones.
    /// The caller has already checked <see cref="PasswordPolicy"/>. Returns false when no hashing slot came free.
    /// </summary>
    public async Task<bool> ChangePasswordAsync(string newPassword, string reason)
    {
        var hash = await hasher.HashAsync(PasswordPolicy.Normalize(newPassword));
        if (hash is null)
        {
            return false;
        }

        var newEpoch = await database.InTransactionAsync(async (connection, transaction) =>
        {
            var next = await ReplacePasswordAsync(connection, transaction, hash);
            await audit.WriteAsync(connection, transaction, AuditEvent.PasswordChanged, reason);
            return next;
        });
        epoch.Committed(newEpoch);
        return true;
    }

    /// <summary>Writes the new hash and moves the epoch on, inside the caller's transaction. Returns the new epoch.</summary>
    public Task<long> ReplacePasswordAsync(SqliteConnection connection, SqliteTransaction transaction, string passwordHash) =>
        connection.ExecuteScalarAsync<long>(
            """
            UPDATE account
            SET password_hash = @Hash, credential_epoch = credential_epoch + 1, password_changed_utc = @Now,
                failed_logins = 0, locked_until_utc = NULL
            WHERE user_name = @UserName
            RETURNING credential_epoch
            """,
            new { Hash = passwordHash, Now = clock.GetUtcNow(), UserName },
            transaction);

    /// <summary>
    /// The one password check for every way in (console login, app sign-in): the user name, the normalised password
    /// (over-long input is wrong without hashing), and a rehash when the stored hash uses older parameters. Limits
    /// and audit entries belong to the caller, which knows who is asking.
    /// </summary>
    public async Task<SignInCheck> CheckSignInAsync(string? userName, string? password)
    {
        var storedHash = await GetPasswordHashAsync();
        if (storedHash is null)
        {
            return SignInCheck.NotSetUp;
        }

        var name = (userName ?? "").Trim();
        var normalized = PasswordPolicy.Normalize(password ?? "");
        var verification = name.Length > MaxInputLength || normalized.Length > MaxInputLength
            ? PasswordVerification.Mismatch
            : await hasher.VerifyAsync(storedHash, normalized);
        if (verification == PasswordVerification.Busy)
        {
            return SignInCheck.Busy;
        }

        if (verification == PasswordVerification.Mismatch || !string.Equals(name, UserName, StringComparison.OrdinalIgnoreCase))
        {
            return SignInCheck.Wrong;
        }

        if (verification == PasswordVerification.MatchNeedsRehash)
        {
            await RehashAsync(normalized, storedHash);
        }

        return SignInCheck.Right;
    }

    /// <summary>Replaces a hash made with older parameters. Only the hash changes: the password and epoch stay.</summary>
    public async Task RehashAsync(string normalizedPassword, string oldHash)
    {
        var hash = await hasher.HashAsync(normalizedPassword);
        if (hash is null)
        {
            return; // Next login tries again.
        }

        await using var connection = await database.OpenAsync();
        var updated = await connection.ExecuteAsync(
            "UPDATE account SET password_hash = @Hash WHERE user_name = @UserName AND password_hash = @OldHash",
            new { Hash = hash, UserName, OldHash = oldHash });
        if (updated == 1)
        {
            await audit.WriteAsync(connection, null, AuditEvent.PasswordRehashed, "Password hash upgraded to the current Argon2id parameters.");
        }
    }
}
