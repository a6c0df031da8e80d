namespace Nightjar.Recorder.Notifications;

/// <summary>Where a queued message stands. Stored by name: never rename a member.</summary>
public enum OutboxState
{
    /// <summary>Waiting for its first attempt.</summary>
    Queued,

    /// <summary>Accepted by the relay.</summary>
    Sent,

    /// <summary>The last attempt failed for a reason that may pass (relay down, busy, auth refused); another follows.</summary>
    Retrying,

    /// <summary>The relay refused it for good (a 5xx answer): no more attempts.</summary>
    Failed,

    /// <summary>Not delivered before it stopped mattering (the code it carried expired).</summary>
    Expired,

    /// <summary>No mail relay is set up: written to the pickup folder on the recorder, which is not an inbox.</summary>
    WrittenToPickup,
}
