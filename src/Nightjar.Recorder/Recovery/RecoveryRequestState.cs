namespace Nightjar.Recorder.Recovery;

/// <summary>Stored by name: never rename a member.</summary>
public enum RecoveryRequestState
{
    Active,
    Verified,
    Consumed,
    Burned,
    Cancelled,
    Superseded,
}
