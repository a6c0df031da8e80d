namespace Nightjar.Recorder.Cameras;

/// <summary>
/// One camera declared in configuration: <c>Nightjar:Cameras:N:Name</c>, <c>StreamUrl</c>, <c>SubStreamUrl</c>,
/// <c>UserName</c>, <c>Password</c>, and <c>Motion:Enabled</c>, <c>Motion:Sensitivity</c>, <c>Motion:Area</c>.
/// </summary>
public sealed class ConfiguredCamera
{
    public ConfiguredMotion Motion { get; set; } = new();

    public string? Name { get; set; }

    public string? StreamUrl { get; set; }

    public string? SubStreamUrl { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }
}
