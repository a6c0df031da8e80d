using Xunit;

namespace Nightjar.Recorder.Tests;

/// <summary>Tests that measure timing under load run after the others, one at a time, with the cores to themselves.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone";
}
