namespace Nightjar.Recording;

public enum StreamState
{
    /// <summary>First contact with the camera after it was added, or after the recorder started.</summary>
    Connecting,

    Recording,

    /// <summary>Not recording; <see cref="StreamStatus.Problem"/> says why. Retried for ever.</summary>
    Offline,

    Disabled,
}
