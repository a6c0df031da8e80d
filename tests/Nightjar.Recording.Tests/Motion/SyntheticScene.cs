using Nightjar.Recording.Motion;

namespace Nightjar.Recording.Tests.Motion;

/// <summary>
/// A made-up camera picture at the detector's size, drawn frame by frame from a timeline, with what fools simpler
/// detectors: sensor noise, a burned-in clock whose digits flip every second, a patch that changes every frame (leaves),
/// and light switched on and off. A grey box crosses it when told to. Seeded: the same scene every run.
/// </summary>
internal sealed class SyntheticScene(int seed = 7)
{
    public const int Width = MotionDetector.Width;
    public const int Height = MotionDetector.Height;

    private readonly Random random = new(seed);
    private readonly byte[] background = Background();
    private readonly sbyte[][] noise = NoiseBank(seed);

    public double Noise { get; set; } = 6;

    public bool Clock { get; set; } = true;

    public bool NoisyPatch { get; set; } = true;

    /// <summary>The noisy patch reaches 8 pixels further left in this frame, into the next cell (leaves in a gust).</summary>
    public bool PatchSpills { get; set; }

    /// <summary>
    /// Specks of grain per frame in each of two cells left of the middle (x 72–95, y 72–83), as in a dark corner of a
    /// real camera's picture: 2 × 2 pixels a little brighter, here and there, never in the same place twice. Each
    /// speck changes about 4 pixels of the blurred picture where it comes and where it goes, so a cell changes enough
    /// now and then (at 0.3 a frame, about one frame in seven) by chance alone.
    /// </summary>
    public double Specks { get; set; }

    /// <summary>A bright 4 × 4 spot in the top row of cells, away from the clock and the patch (an insect, a glint).</summary>
    public bool Glint { get; set; }

    /// <summary>Grey levels added to the whole picture (a light switched on).</summary>
    public int Brightness { get; set; }

    /// <summary>
    /// A part of the picture the camera's encoder has not caught up with after a change of light (its blocks are
    /// refined over the next frames): it has <see cref="LaggingBrightness"/> instead of <see cref="Brightness"/>.
    /// </summary>
    public (int X, int Y, int Width, int Height)? Lagging { get; set; }

    public int LaggingBrightness { get; set; }

    /// <summary>The box's left edge and size in pixels, or null when nothing crosses.</summary>
    public (int X, int Y, int Width, int Height)? Box { get; set; }

    public GrayFrame Frame(double seconds)
    {
        var pixels = new byte[Width * Height];
        var second = (int)Math.Floor(seconds);
        var grain = noise[random.Next(noise.Length)];
        var patch = noise[random.Next(noise.Length)];
        var specks = new List<(int X, int Y)>();
        for (var cell = 0; cell < 2 && Specks > 0; cell++)
        {
            // A Poisson count of specks (Knuth's method), each placed at random in the cell.
            for (double limit = Math.Exp(-Specks), product = random.NextDouble(); product > limit; product *= random.NextDouble())
            {
                specks.Add((72 + (cell * 12) + random.Next(11), 72 + random.Next(11)));
            }
        }
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                double value = background[(y * Width) + x];
                if (Box is { } box && x >= box.X && x < box.X + box.Width && y >= box.Y && y < box.Y + box.Height)
                {
                    value = 128;
                }

                if (NoisyPatch && x >= (PatchSpills ? 152 : 160) && x < 180 && y >= 8 && y < 26)
                {
                    value = 128 + patch[(y * Width) + x];
                }

                foreach (var (sx, sy) in specks)
                {
                    if (x >= sx && x < sx + 2 && y >= sy && y < sy + 2)
                    {
                        value += 70;
                    }
                }

                if (Glint && x >= 122 && x < 126 && y >= 4 && y < 8)
                {
                    value = 250;
                }

                var lagging = Lagging is { } lag && x >= lag.X && x < lag.X + lag.Width && y >= lag.Y && y < lag.Y + lag.Height;
                value += (lagging ? LaggingBrightness : Brightness) + (grain[(y * Width) + x] * Noise / 127);
                if (Clock && x >= 4 && x < 64 && y >= 4 && y < 16)
                {
                    // Digits: a pattern of light and dark strokes that changes with the second, like a clock's text.
                    value = ((x / 3) + (y / 4) + second) % 3 == 0 ? 235 : 20;
                }

                pixels[(y * Width) + x] = (byte)Math.Clamp(value, 0, 255);
            }
        }

        return new GrayFrame(Width, Height, pixels, (long)(seconds * 1_000_000) + 1_700_000_000_000_000);
    }

    public static long Us(double seconds) => (long)(seconds * 1_000_000) + 1_700_000_000_000_000;

    /// <summary>Pictures of random values from −127 to 127, drawn once: drawing a new one per frame made the tests slow.</summary>
    private static sbyte[][] NoiseBank(int seed)
    {
        var random = new Random(seed);
        var bank = new sbyte[32][];
        for (var i = 0; i < bank.Length; i++)
        {
            bank[i] = new sbyte[Width * Height];
            for (var p = 0; p < bank[i].Length; p++)
            {
                bank[i][p] = (sbyte)random.Next(-127, 128);
            }
        }

        return bank;
    }

    /// <summary>A static scene with texture: stripes and blocks of different greys, as a garden or a street has.</summary>
    private static byte[] Background()
    {
        var pixels = new byte[Width * Height];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var band = (x / 24 * 29) % 170;
                var block = ((x / 7) + (y / 9)) % 2 == 0 ? 20 : 0;
                pixels[(y * Width) + x] = (byte)(40 + band + block);
            }
        }

        return pixels;
    }
}
