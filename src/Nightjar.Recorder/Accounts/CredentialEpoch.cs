using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Accounts;

/// <summary>
/// A counter that moves on with every password change. Every console session and app token carries the epoch
/// it was issued in; anything older than <see cref="Current"/> is refused on its next request. The value in
/// memory is the committed value: only <see cref="AdminAccount"/> moves it, right after its transaction commits.
/// </summary>
public sealed class CredentialEpoch(Database database)
{
    private long current = -1;

    /// <summary>Raised after a password change commits, so open console screens can lock themselves at once.</summary>
    public event Action<long>? Changed;

    public long Current => Interlocked.Read(ref current);

    public async Task LoadAsync()
    {
        await using var connection = await database.OpenAsync();
        Interlocked.Exchange(ref current, await connection.ExecuteScalarAsync<long>(
            "SELECT credential_epoch FROM account WHERE user_name = @UserName", new { UserName = AdminAccount.UserName }));
    }

    internal void Committed(long epoch)
    {
        Interlocked.Exchange(ref current, epoch);
        Changed?.Invoke(epoch);
    }
}
