using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Accounts;

public sealed class AccountOptionsValidator : IValidateOptions<AccountOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountOptions options)
    {
        var failures = new List<string>();
        // 16 MiB is the floor of the hashing library; below OWASP's 19 MiB only tests should go.
        if (options.Argon2MemoryKiB is < 16 * 1024 or > 1024 * 1024)
        {
            failures.Add("Nightjar:Accounts:Argon2MemoryKiB must be between 16384 and 1048576.");
        }

        if (options.Argon2Iterations is < 1 or > 20)
        {
            failures.Add("Nightjar:Accounts:Argon2Iterations must be between 1 and 20.");
        }

        if (options.MaxConcurrentHashes is < 1 or > 64)
        {
            failures.Add("Nightjar:Accounts:MaxConcurrentHashes must be between 1 and 64.");
        }

        if (options.HashQueueTimeout < TimeSpan.Zero || options.HashQueueTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Nightjar:Accounts:HashQueueTimeout must be between 00:00:00 and 00:01:00.");
        }

        if (options.LockoutThreshold is < 1 or > 100)
        {
            failures.Add("Nightjar:Accounts:LockoutThreshold must be between 1 and 100.");
        }

        if (options.LockoutDuration < TimeSpan.FromSeconds(1) || options.LockoutDuration > TimeSpan.FromDays(1))
        {
            failures.Add("Nightjar:Accounts:LockoutDuration must be between 00:00:01 and 1.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
