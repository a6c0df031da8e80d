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
    Other,
}
