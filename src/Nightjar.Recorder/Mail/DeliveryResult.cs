namespace Nightjar.Recorder.Mail;

/// <summary>What one delivery attempt came to, with the reason in plain words for the console.</summary>
public abstract record DeliveryResult
{
    private DeliveryResult()
    {
    }

    public sealed record Delivered : DeliveryResult;

    /// <summary>Worth another try: the relay was unreachable, busy, or refused the login.</summary>
    public sealed record Transient(string Reason) : DeliveryResult;

    /// <summary>Refused for good (a 5xx answer): trying again would only repeat it.</summary>
    public sealed record Permanent(string Reason) : DeliveryResult;
}
