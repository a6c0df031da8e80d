using System.Globalization;
using System.Text;

namespace Nightjar.Bench;

/// <summary>
/// The figures of one run, printed as they come and then as tables, which <c>--write</c> puts into
/// docs/PERFORMANCE.md between their markers (the rest of that file is prose and history, kept as is). Recording has
/// its own table, and so has video, so that <c>bench/run recording</c> or <c>video</c> does not wipe the figures of the
/// other sections, and back.
/// </summary>
public sealed class BenchReport
{
    public const string MainTable = "";
    public const string RecordingTable = "recording";
    public const string VideoTable = "video";
    public const string EventsTable = "events";
    public const string DetectTable = "detect";
    public const string WebAppTable = "webapp";
    public const string OnvifTable = "onvif";

    /// <summary>Start-up and API, when run alone (<c>bench/run startup</c>, <c>bench/run api</c>): their own tables, so
    /// a rerun of one does not replace the whole run's table.</summary>
    public const string StartupTable = "startup";
    public const string ApiTable = "api";

    private readonly List<Figure> figures = [];

    public IReadOnlyList<Figure> Figures => figures;

    /// <summary>The table the next figures go into.</summary>
    public string Table { get; set; } = MainTable;

    public static string Begin(string table) =>
        $"<!-- bench/run{(table.Length == 0 ? "" : " " + table)}: begin (written by bench/run, do not edit by hand) -->";

    public static string End(string table) => $"<!-- bench/run{(table.Length == 0 ? "" : " " + table)}: end -->";

    public void Add(string name, string measured, string target = "none set", bool? met = null)
    {
        var figure = new Figure(Table, name, measured, target, met);
        figures.Add(figure);
        Console.WriteLine($"RESULT {figure.Name}: {figure.Measured} | target {figure.Target} | {figure.Verdict}");
    }

    public string ToMarkdown(string table, string command, TimeSpan took)
    {
        var figures = this.figures.Where(f => f.Table == table).ToList();
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

    /// <summary>Replaces the text between the markers of <paramref name="table"/> in <paramref name="path"/> with <paramref name="markdown"/>.</summary>
    public static void WriteInto(string path, string table, string markdown)
    {
        var document = File.ReadAllText(path);
        var begin = document.IndexOf(Begin(table), StringComparison.Ordinal);
        var end = document.IndexOf(End(table), StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"{path} has no '{Begin(table)}' … '{End(table)}' section to write into.");
        }

        var updated = document[..(begin + Begin(table).Length)] + "\n" + markdown + document[end..];
        File.WriteAllText(path, updated);
    }
}
