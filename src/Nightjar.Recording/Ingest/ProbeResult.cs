namespace Nightjar.Recording.Ingest;

/// <summary>What "Test" found: the stream's facts, or why it could not be recorded.</summary>
public sealed record ProbeResult(StreamFacts? Facts, StreamProblem? Problem)
{
    public bool Succeeded => Facts is not null;
}
