using System.Globalization;

namespace Nightjar.Bench;

/// <summary>Median and p95 of a set of timings, and how the table words them.</summary>
public sealed class Samples(IEnumerable<double> values)
{
    private readonly double[] sorted = [.. values.Order()];

    public int Count => sorted.Length;

    public double Median => sorted[sorted.Length / 2];

    public double P95 => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.95) - 1)];

    public double Max => sorted[^1];

    public string Describe(string unit = "ms") =>
        string.Create(CultureInfo.InvariantCulture, $"median {Median:F0} {unit}, p95 {P95:F0} {unit}, max {Max:F0} {unit} (n = {Count})");
}
