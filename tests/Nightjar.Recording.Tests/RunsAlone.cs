namespace Nightjar.Recording.Tests;

/// <summary>
/// Tests that assert how soon something happens (a camera back within 2 s, a stall noticed within 5 s) run after the
/// others, one at a time, with the cores to themselves: beside other tests' ffmpeg children they would measure the load.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone";
}
