namespace Nightjar.Recorder.Cameras;

/// <summary>One camera declared in configuration: <c>Nightjar:Cameras:N:Name</c>, <c>StreamUrl</c>, <c>SubStreamUrl</c>, <c>UserName</c>, <c>Password</c>.</summary>
public sealed class ConfiguredCamera
{
    public string? Name { get; set; }

    public string? StreamUrl { get; set; }

    public string? SubStreamUrl { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }
}
