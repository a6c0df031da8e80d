namespace Nightjar.Bench;

/// <summary>One row of the table: what was measured, the target it is held to, and whether it met it (null: no target).</summary>
public sealed record Figure(string Name, string Measured, string Target, bool? Met)
{
    public string Verdict => Met switch { true => "met", false => "**not met**", null => "—" };
}
