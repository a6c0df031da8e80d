using Microsoft.Extensions.Options;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Accounts;

/// <summary>
/// Checks a login on the console and locks the console after repeated failures. The failure count and the lock
/// are stored, so pulling the plug does not clear them. Password recovery never goes through here, so a locked
/// console still offers Forgot Password.
/// </summary>
public sealed class ConsoleLogin(
    Database database,
    AdminAccount account,
    CredentialEpoch epoch,
    AuditLog audit,
    IOptions<AccountOptions> options,
    TimeProvider clock) : IDisposable
{
    // One console login at a time: the lock check, the hash and the count happen in order, so attempts sent together
    // cannot all pass the lock check before the fifth failure sets it (at most LockoutThreshold guesses per lock).
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    /// <param name="userName">What was typed as the user name.</param>
    /// <param name="password">What was typed as the password.</param>
    /// <param name="purpose">What a right password is for, in the audit entry; a login when not given.</param>
    public async Task<LoginOutcome> LoginAsync(string? userName, string? password, string purpose = "Console login.")
    {
        await oneAtATime.WaitAsync();
        try
        {
            return await LoginInTurnAsync(userName, password, purpose);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose() => oneAtATime.Dispose();

    private async Task<LoginOutcome> LoginInTurnAsync(string? userName, string? password, string purpose)
    {
        var settings = options.Value;
        var lockedUntil = await LockedUntilAsync();
        if (lockedUntil is { } until)
        {
            return new LoginOutcome.LockedOut(until);
        }

        switch (await account.CheckSignInAsync(userName, password))
        {
            case SignInCheck.NotSetUp:
                return new LoginOutcome.NotSetUp();
            case SignInCheck.Busy:
                return new LoginOutcome.Busy();
            case SignInCheck.Right:
                await using (var connection = await database.OpenAsync())
                {
                    await connection.ExecuteAsync(
                        "UPDATE account SET failed_logins = 0, locked_until_utc = NULL WHERE user_name = @UserName",
                        new { UserName = AdminAccount.UserName });
                    await audit.WriteAsync(connection, null, AuditEvent.LoginSucceeded, purpose);
                }

                return new LoginOutcome.Succeeded(epoch.Current);
            default:
                return await CountFailureAsync(settings);
        }
    }

    /// <summary>When the console is locked, the moment it unlocks; otherwise null.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync()
    {
        await using var connection = await database.OpenAsync();
        var until = await connection.ExecuteScalarAsync<DateTimeOffset?>(
            "SELECT locked_until_utc FROM account WHERE user_name = @UserName", new { UserName = AdminAccount.UserName });
        return until > clock.GetUtcNow() ? until : null;
    }

    private async Task<LoginOutcome> CountFailureAsync(AccountOptions settings)
    {
        // One statement counts the failure and decides on the lock, so concurrent wrong attempts cannot slip past the threshold.
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        var failures = await connection.ExecuteScalarAsync<int>(
            """
            UPDATE account
            SET failed_logins = CASE WHEN failed_logins + 1 >= @Threshold THEN 0 ELSE failed_logins + 1 END,
                locked_until_utc = CASE WHEN failed_logins + 1 >= @Threshold THEN @Until ELSE locked_until_utc END
            WHERE user_name = @UserName
            RETURNING CASE WHEN locked_until_utc = @Until THEN @Threshold ELSE failed_logins END
            """,
            new { Threshold = settings.LockoutThreshold, Until = now + settings.LockoutDuration, UserName = AdminAccount.UserName });

        if (failures >= settings.LockoutThreshold)
        {
            await audit.WriteAsync(connection, null, AuditEvent.LoginLockedOut,
                $"Console locked for {settings.LockoutDuration.TotalMinutes:0} minutes after {settings.LockoutThreshold} failed logins.");
            return new LoginOutcome.LockedOut(now + settings.LockoutDuration);
        }

        await audit.WriteAsync(connection, null, AuditEvent.LoginFailed, "Console login with a wrong user name or password.");
        return new LoginOutcome.WrongCredentials(settings.LockoutThreshold - failures);
    }
}
