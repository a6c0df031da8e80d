namespace Nightjar.Recording;

/// <summary>A stream's state for the console and the API, with the plain reason when it is offline.</summary>
public sealed record StreamStatus(StreamKey Stream, StreamState State, string? Problem, StreamFacts? Facts, DateTimeOffset Since)
{
    /// <summary>"Recording", "Connecting", "Offline: camera unreachable", "Disabled".</summary>
    public string Text => State switch
    {
        StreamState.Recording => "Recording",
        StreamState.Connecting => "Connecting",
        StreamState.Disabled => "Disabled",
        _ => "Offline: " + (Problem ?? "unknown reason"),
    };
}
