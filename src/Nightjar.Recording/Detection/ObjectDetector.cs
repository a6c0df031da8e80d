using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Nightjar.Recording.Motion;

namespace Nightjar.Recording.Detection;

/// <summary>
/// A YOLOX export (the shipped YOLOX-Nano, or another of another input size) run on the CPU with ONNX Runtime, one
/// thread: BGR pictures letterboxed to the model's input in, people, vehicles and animals out, after non-maximum
/// suppression. Not thread-safe: the detection queue runs it from one thread.
/// </summary>
public sealed class ObjectDetector : IDisposable
{
    /// <summary>The checksum of the model shipped with the recorder (<c>Detection/Model/NOTICE.md</c>).</summary>
    public const string ShippedSha256 = "d39bee73564e338080378b0ad567fbb40e818b55bbfaf971de82a0267ed16b8a";

    /// <summary>Below this a box is not even considered: callers keep their own, higher, minimum for alerts.</summary>
    private const float FloorScore = 0.3f;

    private const float OverlapToSuppress = 0.45f;

    private static readonly int[] Strides = [8, 16, 32];

    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly string outputName;
    private readonly float[] input;
    private readonly RunOptions runOptions = new();

    private ObjectDetector(InferenceSession session, int width, int height)
    {
        this.session = session;
        Width = width;
        Height = height;
        inputName = session.InputNames[0];
        outputName = session.OutputNames[0];
        input = new float[3 * width * height];
    }

    /// <summary>The model's input width: pictures come letterboxed to <see cref="Width"/> × <see cref="Height"/>.</summary>
    public int Width { get; }

    public int Height { get; }

    /// <summary>
    /// The shipped model's file, beside the recorder's assemblies.
    /// </summary>
    public static string ShippedModelPath => Path.Combine(AppContext.BaseDirectory, "Detection", "Model", "yolox_nano.onnx");

    /// <summary>
    /// What is wrong with a model file that can be told without loading it (ONNX Runtime takes tens of megabytes, which
    /// wait for the first motion): missing, or not the file shipped (a damaged download or disk; only checked for the
    /// shipped model, whose checksum is known). Null when it looks right.
    /// </summary>
    public static string? Check(string path, bool shipped)
    {
        if (!File.Exists(path))
        {
            return $"The object detector's model is missing ({path}): events are recorded without people and vehicles.";
        }

        if (shipped)
        {
            using var file = File.OpenRead(path);
            if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(file)), ShippedSha256, StringComparison.Ordinal))
            {
                return $"The object detector's model is damaged ({path} is not the file shipped): events are recorded without people and vehicles.";
            }
        }

        return null;
    }

    /// <summary>
    /// Loads a model; null and why in words when it cannot be used: what <see cref="Check"/> finds, or not a YOLOX
    /// export ONNX Runtime can run.
    /// </summary>
    public static ObjectDetector? Load(string path, bool shipped, out string? problem)
    {
        problem = Check(path, shipped);
        if (problem is not null)
        {
            return null;
        }

        try
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            var session = new InferenceSession(path, options);
            var dimensions = session.InputMetadata[session.InputNames[0]].Dimensions;
            var output = session.OutputMetadata[session.OutputNames[0]].Dimensions;
            if (dimensions is not [1, 3, > 0 and <= 2048, > 0 and <= 2048] || output is not [1, _, 85])
            {
                session.Dispose();
                problem = $"The object detector's model ({path}) is not a YOLOX export for COCO (input [1, 3, H, W], output [1, N, 85]).";
                return null;
            }

            return new ObjectDetector(session, dimensions[3], dimensions[2]);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            problem = $"The object detector's model ({path}) cannot be loaded: {ex.Message}";
            return null;
        }
    }

    /// <summary>What the picture shows of people, vehicles and animals, best first, boxes as fractions of the camera's picture.</summary>
    public IReadOnlyList<Detection> Detect(DetectionPicture picture)
    {
        if (picture.Width != Width || picture.Height != Height || picture.Bgr.Length != Width * Height * 3)
        {
            throw new ArgumentException($"The detector takes {Width}×{Height} BGR pictures.", nameof(picture));
        }

        // HWC bytes to CHW floats, BGR kept (YOLOX was trained on OpenCV's BGR), 0–255 unscaled.
        var plane = Width * Height;
        var bgr = picture.Bgr;
        for (var i = 0; i < plane; i++)
        {
            input[i] = bgr[(i * 3) + 0];
            input[plane + i] = bgr[(i * 3) + 1];
            input[(2 * plane) + i] = bgr[(i * 3) + 2];
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, Height, Width]);
        using var results = session.Run(runOptions, [inputName], [tensor], [outputName]);
        return Decode(results[0].GetTensorDataAsSpan<float>(), picture.Content);
    }

    private List<Detection> Decode(ReadOnlySpan<float> output, PictureArea content)
    {
        var found = new List<(int Class, float Score, float Left, float Top, float Right, float Bottom)>();
        var row = 0;
        foreach (var stride in Strides)
        {
            var columns = Width / stride;
            var rows = Height / stride;
            for (var gy = 0; gy < rows; gy++)
            {
                for (var gx = 0; gx < columns; gx++, row++)
                {
                    var cell = output.Slice(row * 85, 85);
                    var objectness = cell[4];
                    if (objectness < FloorScore)
                    {
                        continue;
                    }

                    var best = 0;
                    for (var c = 1; c < 80; c++)
                    {
                        if (cell[5 + c] > cell[5 + best])
                        {
                            best = c;
                        }
                    }

                    var score = objectness * cell[5 + best];
                    if (score < FloorScore || !CocoLabels.Kept(CocoLabels.All[best]))
                    {
                        continue;
                    }

                    var cx = (cell[0] + gx) * stride;
                    var cy = (cell[1] + gy) * stride;
                    var w = MathF.Exp(cell[2]) * stride;
                    var h = MathF.Exp(cell[3]) * stride;
                    found.Add((best, score, cx - (w / 2), cy - (h / 2), cx + (w / 2), cy + (h / 2)));
                }
            }
        }

        found.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<Detection>();
        var keptBoxes = new List<(int Class, float Left, float Top, float Right, float Bottom)>();
        foreach (var candidate in found)
        {
            if (keptBoxes.Any(k => k.Class == candidate.Class && Overlap(k, candidate) > OverlapToSuppress))
            {
                continue;
            }

            keptBoxes.Add((candidate.Class, candidate.Left, candidate.Top, candidate.Right, candidate.Bottom));
            kept.Add(new Detection(CocoLabels.All[candidate.Class], Math.Round(candidate.Score, 3), ToPicture(candidate, content)));
        }

        return kept;
    }

    /// <summary>Model pixels to fractions of the camera's picture (the letterbox's padding taken off), clamped to it.</summary>
    private static MotionRegion ToPicture((int Class, float Score, float Left, float Top, float Right, float Bottom) box, PictureArea content)
    {
        var left = Math.Clamp((box.Left - content.X) / content.Width, 0, 1);
        var top = Math.Clamp((box.Top - content.Y) / content.Height, 0, 1);
        var right = Math.Clamp((box.Right - content.X) / content.Width, 0, 1);
        var bottom = Math.Clamp((box.Bottom - content.Y) / content.Height, 0, 1);
        return new MotionRegion(Math.Round(left, 4), Math.Round(top, 4), Math.Round(right - left, 4), Math.Round(bottom - top, 4));
    }

    private static float Overlap((int Class, float Left, float Top, float Right, float Bottom) a, (int Class, float Score, float Left, float Top, float Right, float Bottom) b)
    {
        var width = Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left));
        var height = Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Top, b.Top));
        var both = width * height;
        var union = ((a.Right - a.Left) * (a.Bottom - a.Top)) + ((b.Right - b.Left) * (b.Bottom - b.Top)) - both;
        return union <= 0 ? 0 : both / union;
    }

    public void Dispose()
    {
        runOptions.Dispose();
        session.Dispose();
    }
}
