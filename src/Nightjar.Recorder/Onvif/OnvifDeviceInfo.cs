namespace Nightjar.Recorder.Onvif;

/// <summary>What a camera says it is (<c>GetDeviceInformation</c>).</summary>
public sealed record OnvifDeviceInfo(string Manufacturer, string Model, string Firmware, string SerialNumber);
