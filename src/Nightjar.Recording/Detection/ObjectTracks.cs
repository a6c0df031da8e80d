using Nightjar.Recording.Motion;

namespace Nightjar.Recording.Detection;

/// <summary>
/// What one camera's detector has seen over time, so that a thing that stays put (a parked car, a garden statue taken
/// for a person) stops counting: a detection that matches a track (same label, overlapping box) whose box has not moved
/// for <see cref="StillFor"/> is still, and left out of events and alerts. A track not seen for
/// <see cref="ForgottenAfter"/> is forgotten; the same car parked there tomorrow counts again when it arrives.
/// </summary>
public sealed class ObjectTracks
{
    public static readonly TimeSpan StillFor = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ForgottenAfter = TimeSpan.FromHours(6);

    /// <summary>Boxes that overlap this much are the same thing; boxes that overlap more than <see cref="Moved"/> have not moved.</summary>
    private const double Same = 0.3;
    private const double Moved = 0.85;

    private readonly List<Track> tracks = [];

    /// <summary>The detections of one picture at <paramref name="wallUs"/>, less those of things that have stood still.</summary>
    public IReadOnlyList<Detection> Moving(IReadOnlyList<Detection> found, long wallUs)
    {
        tracks.RemoveAll(t => wallUs - t.LastSeenUs > ForgottenAfter.TotalMicroseconds);
        var moving = new List<Detection>();
        foreach (var detection in found)
        {
            var track = tracks.Where(t => t.Label == detection.Label).MaxBy(t => Overlap(t.Box, detection.Box));
            if (track is null || Overlap(track.Box, detection.Box) < Same)
            {
                tracks.Add(new Track(detection.Label, detection.Box, wallUs, wallUs));
                moving.Add(detection);
                continue;
            }

            track.LastSeenUs = wallUs;
            if (Overlap(track.Box, detection.Box) < Moved)
            {
                track.Box = detection.Box;
                track.StillSinceUs = wallUs;
            }

            if (wallUs - track.StillSinceUs < StillFor.TotalMicroseconds)
            {
                moving.Add(detection);
            }
        }

        return moving;
    }

    internal static double Overlap(MotionRegion a, MotionRegion b)
    {
        var width = Math.Max(0, Math.Min(a.X + a.Width, b.X + b.Width) - Math.Max(a.X, b.X));
        var height = Math.Max(0, Math.Min(a.Y + a.Height, b.Y + b.Height) - Math.Max(a.Y, b.Y));
        var both = width * height;
        var union = (a.Width * a.Height) + (b.Width * b.Height) - both;
        return union <= 0 ? 0 : both / union;
    }

    private sealed class Track(string label, MotionRegion box, long stillSinceUs, long lastSeenUs)
    {
        public string Label { get; } = label;

        public MotionRegion Box { get; set; } = box;

        public long StillSinceUs { get; set; } = stillSinceUs;

        public long LastSeenUs { get; set; } = lastSeenUs;
    }
}
