using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Recovery;

public sealed class RecoveryOptionsValidator : IValidateOptions<RecoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, RecoveryOptions options)
    {
        var failures = new List<string>();
        if (options.CodeLifetime < TimeSpan.FromMinutes(1) || options.CodeLifetime > TimeSpan.FromHours(24))
        {
            failures.Add("Nightjar:Recovery:CodeLifetime must be between 00:01:00 and 1.00:00:00.");
        }

        if (options.MaxRequestsPerHour is < 1 or > 60)
        {
            failures.Add("Nightjar:Recovery:MaxRequestsPerHour must be between 1 and 60.");
        }

        if (options.ResendCooldown < TimeSpan.Zero || options.ResendCooldown > TimeSpan.FromHours(1))
        {
            failures.Add("Nightjar:Recovery:ResendCooldown must be between 00:00:00 and 01:00:00.");
        }

        if (options.MaxWrongAttempts is < 1 or > 10)
        {
            failures.Add("Nightjar:Recovery:MaxWrongAttempts must be between 1 and 10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
