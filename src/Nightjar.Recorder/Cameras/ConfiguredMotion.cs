using Nightjar.Recording.Motion;

namespace Nightjar.Recorder.Cameras;

/// <summary>
/// <c>Nightjar:Cameras:N:Motion</c>: <c>Enabled</c> (default true), <c>Sensitivity</c> (Low, Medium, High), <c>Area</c>
/// (12 rows of 16 0/1), <c>From</c> (Nightjar, Camera: the camera's own ONVIF events, with <c>OnvifAddress</c>).
/// </summary>
public sealed class ConfiguredMotion
{
    public bool Enabled { get; set; } = true;

    public string? Sensitivity { get; set; }

    public string? Area { get; set; }

    public string? From { get; set; }

    /// <summary>The settings, or the messages that say what is wrong (each for the key after <c>Motion:</c>).</summary>
    public (MotionSettings? Settings, IReadOnlyList<(string Key, string Message)> Errors) Read()
    {
        var errors = new List<(string, string)>();
        var sensitivity = MotionSensitivity.Medium;
        if (Sensitivity is not null)
        {
            var name = Enum.GetNames<MotionSensitivity>().FirstOrDefault(n => string.Equals(n, Sensitivity.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                errors.Add(("Sensitivity", $"takes Low, Medium or High (got '{Sensitivity}')."));
            }
            else
            {
                sensitivity = Enum.Parse<MotionSensitivity>(name);
            }
        }

        var area = MotionArea.All;
        if (Area is not null && !MotionArea.TryParse(Area, out area, out var wrong))
        {
            errors.Add(("Area", wrong!));
        }

        var from = MotionFrom.Nightjar;
        if (From is not null)
        {
            var name = Enum.GetNames<MotionFrom>().FirstOrDefault(n => string.Equals(n, From.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                errors.Add(("From", $"takes Nightjar or Camera (got '{From}')."));
            }
            else
            {
                from = Enum.Parse<MotionFrom>(name);
            }
        }

        return errors.Count > 0 ? (null, errors) : (new MotionSettings(Enabled, sensitivity, area) { From = from }, errors);
    }
}
