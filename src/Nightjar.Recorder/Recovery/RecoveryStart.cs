namespace Nightjar.Recorder.Recovery;

public abstract record RecoveryStart
{
    private RecoveryStart()
    {
    }

    public sealed record Started(RecoveryRequestView Request) : RecoveryStart;

    /// <summary>Too many requests this hour; the next is possible at <paramref name="Until"/>.</summary>
    public sealed record RateLimited(DateTimeOffset Until) : RecoveryStart;

    /// <summary>A code was sent moments ago; another may be asked for at <paramref name="Until"/>.</summary>
    public sealed record CoolingDown(DateTimeOffset Until) : RecoveryStart;

    /// <summary>Setup has not finished: there is no password to recover, and the first one is set by the setup wizard alone.</summary>
    public sealed record NotSetUp : RecoveryStart;
}
