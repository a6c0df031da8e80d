namespace Nightjar.Recorder.Onvif;

/// <summary>
/// What a camera's ONVIF services told about its streams: what it is, its main stream (the largest picture) and
/// sub-stream (the smallest, when it has more than one profile), how far its clock is off, and the streams it names on
/// a host other than its own (shown to the owner, who decides; never tried with the password on their own).
/// </summary>
public sealed record OnvifStreams(OnvifDeviceInfo Device, Uri MainStream, Uri? SubStream, TimeSpan ClockOffset, IReadOnlyList<Uri> Elsewhere);
