namespace Nightjar.Recorder.Recovery;

/// <summary>Password recovery limits (configuration section <c>Nightjar:Recovery</c>).</summary>
public sealed class RecoveryOptions
{
    public const string Section = "Nightjar:Recovery";

    /// <summary>How long a Secure Code (and a verified reset) stays valid.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Reset requests per rolling hour, so the owner's mailbox cannot be flooded.</summary>
    public int MaxRequestsPerHour { get; set; } = 5;

    /// <summary>The wait between one code and the next ("Resend Code").</summary>
    public TimeSpan ResendCooldown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Wrong entries that burn a code (or a Recovery Key attempt).</summary>
    public int MaxWrongAttempts { get; set; } = 5;
}
