namespace Nightjar.Recorder.Recovery;

/// <summary>How the proof for a reset request reaches the person. Stored by name.</summary>
public enum RecoveryMethod
{
    /// <summary>A Reset Password email through the relay.</summary>
    Email,

    /// <summary>No relay: the Reset Password email is written to the pickup folder.</summary>
    PickupFile,

    /// <summary>No recovery email: the Secure Code is written to a file in the data folder.</summary>
    CodeFile,

    /// <summary>The Recovery Key from setup stands in for a code.</summary>
    RecoveryKey,
}
