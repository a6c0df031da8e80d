namespace Nightjar.Recording.Mp4;

public enum TrackKind
{
    Video,
    Audio,
    Other,
}
