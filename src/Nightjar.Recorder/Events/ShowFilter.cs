using Nightjar.Recording.Detection;

namespace Nightjar.Recorder.Events;

/// <summary>The "Show" filter of the Events screen and <c>GET /api/v1/events?show=</c>: which detector labels each choice means (SPEC §4).</summary>
public static class ShowFilter
{
    public static readonly IReadOnlyList<(string Key, string Name)> Choices =
        [("all", "All"), ("people", "People"), ("vehicles", "Vehicles"), ("animals", "Animals")];

    /// <summary>The labels a choice stands for (null: any event), or false when the choice is not one of them.</summary>
    public static bool TryLabels(string? show, out IReadOnlyCollection<string>? labels)
    {
        labels = show switch
        {
            null or "" or "all" => null,
            "people" => [.. CocoLabels.People],
            "vehicles" => [.. CocoLabels.Vehicles],
            "animals" => [.. CocoLabels.Animals],
            _ => [],
        };
        return labels is null || labels.Count > 0;
    }
}
