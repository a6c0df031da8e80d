namespace Nightjar.Recorder.Cameras;

/// <summary>The camera dialog's fields, as keys of the messages that go next to them.</summary>
public static class CameraField
{
    public const string Name = nameof(Name);
    public const string StreamUrl = nameof(StreamUrl);
    public const string SubStreamUrl = nameof(SubStreamUrl);
    public const string UserName = nameof(UserName);
    public const string Password = nameof(Password);
    public const string Form = nameof(Form);
}
