namespace Nightjar.Recorder.Onvif;

/// <summary>
/// Where a camera's services answer: media (ONVIF Media 1), media2 (Media 2, newer cameras), PTZ and events; null when
/// the camera has none. Every address is on the device's own host (see <see cref="OnvifDevice"/>).
/// </summary>
public sealed record OnvifServices(Uri? Media, Uri? Media2, Uri? Ptz, Uri? Events);
