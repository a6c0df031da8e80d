namespace Nightjar.Recording.Ingest;

public enum StreamProblemKind
{
    WrongCredentials,
    Unreachable,
    NotResponding,
    StreamNotFound,
    CodecNotSupported,
    NotRtsp,
    SecureConnectionFailed,
    AudioNotStorable,
    Ended,
    Stalled,

    /// <summary>Video kept coming, but no keyframe for longer than the engine allows: the stream was connected again.</summary>
    NoKeyframe,

    Other,
}
