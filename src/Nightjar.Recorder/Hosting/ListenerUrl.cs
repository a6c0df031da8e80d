namespace Nightjar.Recorder.Hosting;

public sealed class ListenerUrl
{
    public string Url { get; set; } = "";
}
