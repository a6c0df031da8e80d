namespace Nightjar.Recording;

/// <summary>
/// A stream's state for the console and the API, with the plain reason when it is offline. While it records,
/// <see cref="Problem"/> is null, or says what the engine keeps working around ("restarted after no keyframe from the
/// camera for 10 s").
/// </summary>
public sealed record StreamStatus(StreamKey Stream, StreamState State, string? Problem, StreamFacts? Facts, DateTimeOffset Since)
{
    /// <summary>"Recording", "Recording (restarted after …)", "Connecting", "Offline: camera unreachable", "Disabled".</summary>
    public string Text => State switch
    {
        StreamState.Recording => Problem is null ? "Recording" : $"Recording ({Problem})",
        StreamState.Connecting => "Connecting",
        StreamState.Disabled => "Disabled",
        _ => "Offline: " + (Problem ?? "unknown reason"),
    };

    /// <summary>A camera's state, also before the engine has a stream for it: connecting when it is enabled, else disabled.</summary>
    public static StreamState StateOf(StreamStatus? status, bool enabled) =>
        status?.State ?? (enabled ? StreamState.Connecting : StreamState.Disabled);

    /// <summary><see cref="Text"/>, also before the engine has a stream for the camera.</summary>
    public static string TextOf(StreamStatus? status, bool enabled) =>
        status?.Text ?? StateOf(status, enabled).ToString();
}
