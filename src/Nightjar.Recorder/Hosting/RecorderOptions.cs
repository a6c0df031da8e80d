namespace Nightjar.Recorder.Hosting;

/// <summary>Where the recorder keeps its data and where it listens (configuration section <c>Nightjar</c>).</summary>
public sealed class RecorderOptions
{
    public const string Section = "Nightjar";

    /// <summary><c>Nightjar:DataDir</c>: database, device keys and certificate; relative paths are under the working folder.</summary>
    public string DataDir { get; set; } = "data";

    public ListenerUrl Console { get; set; } = new() { Url = "http://127.0.0.1:8080" };

    public ApiListenerOptions Api { get; set; } = new();

    public string DataDirFullPath => Path.GetFullPath(DataDir);
}
