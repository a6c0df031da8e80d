using Nightjar.Recording.Motion;

namespace Nightjar.Recording.Events;

/// <summary>Something an object detector recognised in an event's pictures: its COCO label, its best score and where.</summary>
public sealed record DetectedObject(string Label, double Score, MotionRegion Box);
