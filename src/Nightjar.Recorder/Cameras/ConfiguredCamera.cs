using System.Globalization;
using Nightjar.Recording.Motion;

namespace Nightjar.Recorder.Cameras;

/// <summary>
/// One camera declared in configuration: <c>Nightjar:Cameras:N:Name</c>, <c>StreamUrl</c>, <c>SubStreamUrl</c>,
/// <c>UserName</c>, <c>Password</c>, <c>Motion:Enabled</c>, <c>Motion:Sensitivity</c>, <c>Motion:Area</c>,
/// <c>AlertOn</c> (AnyMotion, People, Vehicles, PeopleAndVehicles), <c>MinScore</c> (0.3–0.95, default 0.5) and
/// <c>OnvifAddress</c> (its ONVIF device service, on the stream's host: PTZ and the camera's own motion events).
/// </summary>
public sealed class ConfiguredCamera
{
    public ConfiguredMotion Motion { get; set; } = new();

    public string? Name { get; set; }

    public string? StreamUrl { get; set; }

    public string? SubStreamUrl { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string? AlertOn { get; set; }

    public string? MinScore { get; set; }

    public string? OnvifAddress { get; set; }

    /// <summary>The ONVIF device service <see cref="OnvifAddress"/> names (a host, host:port or http address), or null when unset or unreadable.</summary>
    public Uri? OnvifService => OnvifAddress is null ? null : Onvif.OnvifCameraFinder.DeviceService(OnvifAddress);

    /// <summary>The camera's motion settings, or the messages that say what is wrong (each for the key after the camera's).</summary>
    public (MotionSettings? Settings, IReadOnlyList<(string Key, string Message)> Errors) ReadMotion()
    {
        var (motion, motionErrors) = Motion.Read();
        var errors = motionErrors.Select(e => ("Motion:" + e.Key, e.Message)).ToList();
        var alertOn = Recording.Motion.AlertOn.AnyMotion;
        if (AlertOn is not null)
        {
            var name = Enum.GetNames<AlertOn>().FirstOrDefault(n => string.Equals(n, AlertOn.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                errors.Add(("AlertOn", $"takes AnyMotion, People, Vehicles or PeopleAndVehicles (got '{AlertOn}')."));
            }
            else
            {
                alertOn = Enum.Parse<AlertOn>(name);
            }
        }

        var minScore = MotionSettings.DefaultMinScore;
        if (MinScore is not null
            && (!double.TryParse(MinScore.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out minScore)
                || !(minScore >= MotionSettings.LowestMinScore && minScore <= MotionSettings.HighestMinScore)))
        {
            errors.Add(("MinScore", string.Create(CultureInfo.InvariantCulture,
                $"takes a score from {MotionSettings.LowestMinScore} to {MotionSettings.HighestMinScore}, such as 0.5 (got '{MinScore}').")));
        }

        return errors.Count > 0 ? (null, errors) : (motion! with { AlertOn = alertOn, MinScore = minScore }, errors);
    }
}
