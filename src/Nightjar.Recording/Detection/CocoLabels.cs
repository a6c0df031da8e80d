namespace Nightjar.Recording.Detection;

/// <summary>
/// The 80 COCO classes of the detector's output, in its order, and the ones an event keeps: people, vehicles and the
/// animals that set off cameras (SPEC §4's groups). A chair or a potted plant is not news.
/// </summary>
public static class CocoLabels
{
    public static readonly IReadOnlyList<string> All =
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
        "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
        "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed",
        "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
        "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    public static readonly IReadOnlySet<string> People = new HashSet<string>(StringComparer.Ordinal) { "person" };

    public static readonly IReadOnlySet<string> Vehicles = new HashSet<string>(StringComparer.Ordinal) { "car", "truck", "bus", "motorcycle", "bicycle" };

    public static readonly IReadOnlySet<string> PeopleAndVehicles = new HashSet<string>(People.Concat(Vehicles), StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Animals = new HashSet<string>(StringComparer.Ordinal) { "cat", "dog", "bird", "horse" };

    /// <summary>Whether an event keeps objects of this label (it belongs to one of the groups).</summary>
    public static bool Kept(string label) => People.Contains(label) || Vehicles.Contains(label) || Animals.Contains(label);

    /// <summary>"person", "vehicle" or "animal" (the MQTT topics' words), or null for a label in no group.</summary>
    public static string? GroupOf(string label) =>
        People.Contains(label) ? "person" : Vehicles.Contains(label) ? "vehicle" : Animals.Contains(label) ? "animal" : null;
}
