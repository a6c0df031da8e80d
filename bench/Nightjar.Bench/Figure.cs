namespace Nightjar.Bench;

/// <summary>One row of a table: what was measured, the target it is held to, and whether it met it (null: no target).</summary>
/// <param name="Table">Which table of docs/PERFORMANCE.md the row belongs to (<see cref="BenchReport.MainTable"/>, <see cref="BenchReport.RecordingTable"/> or <see cref="BenchReport.VideoTable"/>).</param>
public sealed record Figure(string Table, string Name, string Measured, string Target, bool? Met)
{
    public string Verdict => Met switch { true => "met", false => "**not met**", null => "—" };
}
