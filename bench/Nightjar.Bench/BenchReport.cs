using System.Globalization;
using System.Text;

namespace Nightjar.Bench;

/// <summary>
/// The figures of one run, printed as they come and then as one table, which <c>--write</c> puts into
/// docs/PERFORMANCE.md between its markers (the rest of that file is prose and history, kept as is).
/// </summary>
public sealed class BenchReport
{
    public const string Begin = "<!-- bench/run: begin (written by bench/run, do not edit by hand) -->";
    public const string End = "<!-- bench/run: end -->";

    private readonly List<Figure> figures = [];

    public IReadOnlyList<Figure> Figures => figures;

    public void Add(string name, string measured, string target = "none set", bool? met = null)
    {
        var figure = new Figure(name, measured, target, met);
        figures.Add(figure);
        Console.WriteLine($"RESULT {figure.Name}: {figure.Measured} | target {figure.Target} | {figure.Verdict}");
    }

    public string ToMarkdown(string command, TimeSpan took)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run on {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC, commit {Machine.Commit()}, with `{command}` ({took.TotalMinutes:F0} min).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}.");
        text.AppendLine();
        text.AppendLine("| figure | measured | target | verdict |");
        text.AppendLine("|---|---|---|---|");
        foreach (var figure in figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Name} | {figure.Measured} | {figure.Target} | {figure.Verdict} |");
        }

        var met = figures.Count(f => f.Met == true);
        var missed = figures.Count(f => f.Met == false);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{met} targets met, {missed} not met, {figures.Count - met - missed} figures without a target.");
        return text.ToString();
    }

    /// <summary>Replaces the text between the markers in <paramref name="path"/> with <paramref name="table"/>.</summary>
    public static void WriteInto(string path, string table)
    {
        var document = File.ReadAllText(path);
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"{path} has no '{Begin}' … '{End}' section to write into.");
        }

        var updated = document[..(begin + Begin.Length)] + "\n" + table + document[end..];
        File.WriteAllText(path, updated);
    }
}
