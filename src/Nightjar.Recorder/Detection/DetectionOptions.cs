using Nightjar.Recording;

namespace Nightjar.Recorder.Detection;

/// <summary>
/// Configuration section <c>Nightjar:Detection</c>: the object detector's <c>Model</c> (a YOLOX export for COCO; unset
/// for the one shipped with the recorder) and <c>PerSecond</c>, the inferences a second the whole box may spend.
/// </summary>
public sealed class DetectionOptions
{
    public const string Section = "Nightjar:Detection";

    public const double MinPerSecond = 1;

    public const double MaxPerSecond = 50;

    public string? Model { get; set; }

    public double PerSecond { get; set; } = RecordingEngineOptions.DefaultDetectionPerSecond;

    /// <summary>The model's full path (relative ones from the recorder's folder), or null for the shipped one.</summary>
    public string? ModelFullPath => string.IsNullOrWhiteSpace(Model) ? null : Path.GetFullPath(Model.Trim(), AppContext.BaseDirectory);
}
