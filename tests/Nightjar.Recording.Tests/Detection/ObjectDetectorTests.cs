using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Nightjar.Recording.Detection;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Detection;

/// <summary>
/// The shipped YOLOX-Nano on real photographs: a person is a person, a cat an animal, a cup of coffee nothing the
/// recorder reports; and a model that is missing, damaged or not a detector is a plain message, never an exception.
/// </summary>
public sealed class ObjectDetectorTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public ObjectDetectorTests() => Directory.CreateDirectory(folder.Path);

    [Fact]
    public async Task APhotographOfAPerson_IsAPerson_WithItsBox()
    {
        using var detector = LoadShipped();

        var found = detector.Detect(await PictureAsync(detector, TestPictures.Person));

        var person = Assert.Single(found, d => d.Label == "person");
        Assert.True(person.Score >= 0.7, $"person at {person.Score}");
        // She fills most of the portrait: head near the top, shoulders to the bottom edge.
        Assert.InRange(person.Box.Y, 0, 0.25);
        Assert.InRange(person.Box.Y + person.Box.Height, 0.9, 1);
        Assert.InRange(person.Box.Width, 0.4, 1);
    }

    [Fact]
    public async Task ACat_IsAnAnimal_AndACupOfCoffee_IsNothingReported()
    {
        using var detector = LoadShipped();

        var cat = detector.Detect(await PictureAsync(detector, TestPictures.Cat));
        var coffee = detector.Detect(await PictureAsync(detector, TestPictures.Coffee));

        Assert.Contains(cat, d => d.Label == "cat" && d.Score >= 0.5);
        Assert.All(cat, d => Assert.Equal("animal", CocoLabels.GroupOf(d.Label)));
        Assert.Empty(coffee); // a cup and a spoon are found by the model, but a recorder does not report them
    }

    [Fact]
    public async Task AGreyPicture_HasNothingInIt()
    {
        using var detector = LoadShipped();
        var grey = new byte[detector.Width * detector.Height * 3];
        Array.Fill(grey, (byte)114);

        var found = detector.Detect(new DetectionPicture(detector.Width, detector.Height, grey, new PictureArea(0, 0, detector.Width, detector.Height), 0));

        Assert.Empty(found);
        Assert.NotEmpty(detector.Detect(await PictureAsync(detector, TestPictures.Person))); // and the same detector still sees
    }

    [Fact]
    public async Task ALetterboxedPicture_GetsBoxesAsFractionsOfTheCamerasPicture_NotOfThePadding()
    {
        using var detector = LoadShipped();
        // The portrait squeezed into a 16:9 camera picture's letterbox: 416 × 234 in the middle, grey above and below.
        var content = DetectionPicture.Letterbox(detector.Width, detector.Height, 640, 360);
        var bgr = await Ffprobe.RawPictureAsync(await File.ReadAllBytesAsync(TestPictures.Person), "bgr24", string.Create(CultureInfo.InvariantCulture,
            $"scale={content.Width}:{content.Height},pad={detector.Width}:{detector.Height}:{content.X}:{content.Y}:color=0x727272"));

        var person = detector.Detect(new DetectionPicture(detector.Width, detector.Height, bgr, content, 0)).Single(d => d.Label == "person");

        Assert.Equal((0, 91, 416, 234), (content.X, content.Y, content.Width, content.Height));
        Assert.InRange(person.Box.Y, 0, 0.25); // measured in the camera's picture, where she reaches the bottom edge
        Assert.InRange(person.Box.Y + person.Box.Height, 0.9, 1);
    }

    [Fact]
    public void AMissingModel_IsAPlainMessage()
    {
        var detector = ObjectDetector.Load(Path.Combine(folder.Path, "yolox_nano.onnx"), shipped: true, out var problem);

        Assert.Null(detector);
        Assert.StartsWith("The object detector's model is missing", problem, StringComparison.Ordinal);
        Assert.EndsWith("events are recorded without people and vehicles.", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADamagedShippedModel_IsCaughtByItsChecksum_AndAnotherFile_ByTheRuntime()
    {
        var damaged = Path.Combine(folder.Path, "yolox_nano.onnx");
        var bytes = await File.ReadAllBytesAsync(ObjectDetector.ShippedModelPath);
        bytes[bytes.Length / 2] ^= 0x55; // one flipped byte in the weights: the runtime would load it and see nonsense
        await File.WriteAllBytesAsync(damaged, bytes);
        var notAModel = Path.Combine(folder.Path, "other.onnx");
        await File.WriteAllTextAsync(notAModel, "this is not a model");

        Assert.Null(ObjectDetector.Load(damaged, shipped: true, out var problem));
        Assert.Null(ObjectDetector.Load(notAModel, shipped: false, out var other));

        Assert.StartsWith("The object detector's model is damaged", problem, StringComparison.Ordinal);
        Assert.StartsWith($"The object detector's model ({notAModel}) cannot be loaded", other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSharedDetector_DropsTheOlderPicturesOfACamera_AndTakesTheCamerasInTurn()
    {
        await using var shared = new SharedDetector(() => (LoadShipped(), null), perSecond: 20, TimeProvider.System, NullLogger.Instance);
        var (width, height) = shared.InputSize!.Value;
        var picture = await PictureAsync(width, height, TestPictures.Person, 512, 512);
        var done = new List<(string Camera, long WallUs, int People)>();
        var last = new TaskCompletionSource();

        Func<DetectionPicture, IReadOnlyList<Nightjar.Recording.Detection.Detection>, Task> To(string camera) => (seen, found) =>
        {
            lock (done)
            {
                done.Add((camera, seen.WallUs, found.Count(d => d.Label == "person")));
                if (done.Any(d => d.Camera == "a" && d.WallUs == 9) && done.Any(d => d.Camera == "b"))
                {
                    last.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };

        // Camera A offers ten pictures at once, then camera B one: A's backlog is one picture, its newest, and B's
        // picture is not kept waiting behind more than that.
        for (var i = 0; i < 10; i++)
        {
            shared.Offer("a", picture with { WallUs = i }, To("a"));
        }

        shared.Offer("b", picture with { WallUs = 100 }, To("b"));
        await last.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var ranForA = done.Count(d => d.Camera == "a");
        Assert.InRange(ranForA, 1, 2); // the first may have been taken before the second was offered
        Assert.Equal(10 - ranForA, shared.Dropped);
        Assert.Equal(ranForA + 1, shared.Run);
        Assert.All(done, d => Assert.Equal(1, d.People));
    }

    public void Dispose() => folder.Dispose();

    private static ObjectDetector LoadShipped() =>
        ObjectDetector.Load(ObjectDetector.ShippedModelPath, shipped: true, out var problem) ?? throw new InvalidOperationException(problem);

    private static Task<DetectionPicture> PictureAsync(ObjectDetector detector, string photo)
    {
        var (width, height) = photo == TestPictures.Person ? (512, 512) : photo == TestPictures.Cat ? (451, 300) : (600, 400);
        return PictureAsync(detector.Width, detector.Height, photo, width, height);
    }

    /// <summary>A photograph letterboxed to the model's input as the decoder does it: scaled to fit, centred on grey.</summary>
    private static async Task<DetectionPicture> PictureAsync(int width, int height, string photo, int photoWidth, int photoHeight)
    {
        var content = DetectionPicture.Letterbox(width, height, photoWidth, photoHeight);
        var bgr = await Ffprobe.RawPictureAsync(await File.ReadAllBytesAsync(photo), "bgr24", string.Create(CultureInfo.InvariantCulture,
            $"scale={content.Width}:{content.Height},pad={width}:{height}:{content.X}:{content.Y}:color=0x727272"));
        return new DetectionPicture(width, height, bgr, content, 0);
    }
}
