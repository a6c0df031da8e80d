namespace Nightjar.Recording.Live;

/// <summary>
/// One message of a live stream: an init segment (at the start, and again whenever the camera reconnects) or a
/// fragment. <see cref="DecodeTime"/> (90 kHz) is the fragment's, or for an init segment the keyframe's that follows
/// it, so a player can line the new media up with what it already shows. <see cref="ArrivedUnixMs"/> is when the
/// fragment reached the recorder (for measuring live delay). <see cref="Codecs"/> is set on init segments.
/// </summary>
public readonly record struct LivePacket(bool IsInit, bool IsKeyframe, byte[] Bytes, long DecodeTime, long ArrivedUnixMs, string? Codecs);
