namespace Nightjar.Recorder.Cameras;

/// <summary>What Save did: the fields to show now (credentials moved out of URLs), a message per wrong field, or the saved camera.</summary>
public sealed record CameraSaveOutcome(IReadOnlyDictionary<string, string> Errors, CameraForm Form, CameraEntry? Saved);
