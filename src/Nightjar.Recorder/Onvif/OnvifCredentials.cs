namespace Nightjar.Recorder.Onvif;

/// <summary>The user name and password a camera's ONVIF services take (the owner typed them for this device alone).</summary>
public sealed record OnvifCredentials(string UserName, string Password);
