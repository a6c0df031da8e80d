using System.Globalization;

namespace Nightjar.Recording.Ingest;

/// <summary>Why a stream is not recording, in words an owner understands ("wrong user name or password").</summary>
public sealed record StreamProblem(StreamProblemKind Kind, string Text)
{
    public static StreamProblem WrongCredentials { get; } = new(StreamProblemKind.WrongCredentials, "wrong user name or password");

    public static StreamProblem Unreachable { get; } = new(StreamProblemKind.Unreachable, "camera unreachable");

    public static StreamProblem NotResponding { get; } = new(StreamProblemKind.NotResponding, "camera not responding");

    public static StreamProblem StreamNotFound { get; } = new(StreamProblemKind.StreamNotFound, "stream not found");

    public static StreamProblem NotRtsp { get; } = new(StreamProblemKind.NotRtsp, "not an RTSP URL (the camera answered with something else)");

    public static StreamProblem SecureConnectionFailed { get; } = new(StreamProblemKind.SecureConnectionFailed, "secure connection to the camera failed");

    public static StreamProblem Ended { get; } = new(StreamProblemKind.Ended, "camera ended the stream");

    public static StreamProblem Stalled { get; } = new(StreamProblemKind.Stalled, "camera stopped sending video");

    /// <summary>"no keyframe from the camera for 10 s": the camera's own time from its last keyframe to now.</summary>
    public static StreamProblem NoKeyframe(TimeSpan limit) =>
        new(StreamProblemKind.NoKeyframe, string.Create(CultureInfo.InvariantCulture, $"no keyframe from the camera for {limit.TotalSeconds:0.#} s"));

    public static StreamProblem CodecNotSupported(string codec) =>
        new(StreamProblemKind.CodecNotSupported, $"codec not supported ({codec}; Nightjar records H.264 and H.265)");

    public static StreamProblem AudioNotStorable(string codec) =>
        new(StreamProblemKind.AudioNotStorable, $"{codec} audio cannot be stored in MP4");

    /// <summary>Worth a quick TCP check before the next ffmpeg: the camera may simply be back.</summary>
    public bool CameraMayBeDown => Kind is StreamProblemKind.Unreachable or StreamProblemKind.Ended or StreamProblemKind.Stalled or StreamProblemKind.NotResponding;
}
