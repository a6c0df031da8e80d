namespace Nightjar.Recording.Motion;

public enum MotionChangeKind
{
    Started,
    Ended,
}
