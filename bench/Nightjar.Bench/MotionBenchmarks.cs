using BenchmarkDotNet.Attributes;
using Nightjar.Recording.Motion;

namespace Nightjar.Bench;

/// <summary>
/// The motion detector's own work on one 192×144 grey picture (what the decoder hands it eight times a second per
/// camera): a quiet picture with sensor noise, and one with a box moving across it.
/// </summary>
[MemoryDiagnoser]
public class MotionBenchmarks
{
    private readonly GrayFrame[] quiet = new GrayFrame[2];
    private readonly GrayFrame[] moving = new GrayFrame[2];
    private MotionDetector detector = null!;
    private int frame;

    [GlobalSetup]
    public void SetUp()
    {
        var random = new Random(5);
        var background = new byte[MotionDetector.Width * MotionDetector.Height];
        for (var i = 0; i < background.Length; i++)
        {
            background[i] = (byte)(40 + ((i % MotionDetector.Width / 24 * 29) % 170));
        }

        for (var k = 0; k < 2; k++)
        {
            var noisy = background.Select(v => (byte)Math.Clamp(v + random.Next(-6, 7), 0, 255)).ToArray();
            quiet[k] = new GrayFrame(MotionDetector.Width, MotionDetector.Height, noisy, 0);
            var withBox = (byte[])noisy.Clone();
            for (var y = 50; y < 114; y++)
            {
                for (var x = 40 + (k * 8); x < 64 + (k * 8); x++)
                {
                    withBox[(y * MotionDetector.Width) + x] = 128;
                }
            }

            moving[k] = new GrayFrame(MotionDetector.Width, MotionDetector.Height, withBox, 0);
        }

        detector = new MotionDetector(MotionSettings.Default);
    }

    [Benchmark(Baseline = true)]
    public MotionObservation QuietPicture() => Analyse(quiet);

    [Benchmark]
    public MotionObservation MovingBox() => Analyse(moving);

    /// <summary>Alternates the two pictures, 125 ms apart, as eight a second arrive.</summary>
    private MotionObservation Analyse(GrayFrame[] pictures)
    {
        frame++;
        var picture = pictures[frame % 2];
        return detector.Analyse(picture with { WallUs = frame * 125_000L });
    }
}
