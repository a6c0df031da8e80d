namespace Nightjar.Recording.Live;

/// <summary>One message of a live stream: an init segment (at the start, and again whenever the camera reconnects) or a fragment.</summary>
public readonly record struct LivePacket(bool IsInit, bool IsKeyframe, byte[] Bytes);
