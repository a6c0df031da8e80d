namespace Nightjar.Recorder.Cameras;

/// <summary>Configuration section <c>Nightjar:Cameras</c>: cameras by number (<c>Nightjar:Cameras:0:Name</c>, …), shown read-only in the console.</summary>
public sealed class CamerasOptions
{
    public const string Section = "Nightjar:Cameras";

    public Dictionary<string, ConfiguredCamera> Cameras { get; } = new(StringComparer.Ordinal);

    /// <summary>The declared cameras in number order, each with the id its recordings are filed under (<c>cfg0</c>, <c>cfg1</c>, …).</summary>
    public IEnumerable<(string Key, string Id, ConfiguredCamera Camera)> Ordered() =>
        Cameras.Select(c => (c.Key, Number: int.TryParse(c.Key, out var n) ? n : int.MaxValue, c.Value))
            .OrderBy(c => c.Number).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => (c.Key, "cfg" + c.Key, c.Value));
}
