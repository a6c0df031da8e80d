using Nightjar.Recording.Detection;
using Nightjar.Recording.Motion;
using DetectedThing = Nightjar.Recording.Detection.Detection;

namespace Nightjar.Recording.Tests.Detection;

/// <summary>A thing that stands still for long (a parked car) stops counting; one that moves, or comes back another day, counts.</summary>
public sealed class ObjectTracksTests
{
    private static readonly MotionRegion Parked = new(0.1, 0.5, 0.3, 0.2);

    [Fact]
    public void ACarParkedForHalfAMinute_StopsCounting_ButAPersonWalkingPastItCounts()
    {
        var tracks = new ObjectTracks();
        var seconds = 0.0;
        List<string> Moving(params DetectedThing[] found) => [.. tracks.Moving(found, (long)(seconds * 1_000_000)).Select(d => d.Label)];

        Assert.Equal(["car"], Moving(Car(Parked)));
        seconds = 29;
        Assert.Equal(["car"], Moving(Car(Parked with { X = 0.101 }))); // jitter of the box is not movement
        seconds = 31;
        Assert.Empty(Moving(Car(Parked)));
        for (var step = 0; step < 5; step++)
        {
            seconds += 0.2;
            Assert.Equal(["person"], Moving(Car(Parked), Person(0.5 + (step * 0.05))));
        }
    }

    [Fact]
    public void AParkedCarThatDrivesOff_CountsAgain_AndOneBackAfterSixHours_IsNew()
    {
        var tracks = new ObjectTracks();
        Assert.Single(tracks.Moving([Car(Parked)], 0));
        Assert.Empty(tracks.Moving([Car(Parked)], 40_000_000));

        Assert.Single(tracks.Moving([Car(Parked with { X = 0.25 })], 41_000_000)); // it moved: it counts at once

        var later = 41_000_000 + (long)ObjectTracks.ForgottenAfter.TotalMicroseconds + 1;
        Assert.Single(tracks.Moving([Car(Parked with { X = 0.25 })], later)); // not seen for six hours: forgotten, new
    }

    private static DetectedThing Car(MotionRegion box) => new("car", 0.8, box);

    private static DetectedThing Person(double x) => new("person", 0.9, new MotionRegion(x, 0.3, 0.1, 0.5));
}
