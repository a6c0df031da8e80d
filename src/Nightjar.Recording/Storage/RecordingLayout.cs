using System.Globalization;

namespace Nightjar.Recording.Storage;

/// <summary>
/// Where things live in the recordings folder:
/// <c>recordings.db</c> (the index) and <c>&lt;camera&gt;/&lt;main|sub&gt;/&lt;yyyy-MM-dd&gt;/&lt;yyyyMMddTHHmmss.ffffffZ&gt;.mp4</c>
/// (UTC). A file's name says which stream it belongs to and when it starts, so a file the index lost can be indexed again.
/// </summary>
public sealed class RecordingLayout(string root)
{
    private const string NameFormat = "yyyyMMdd'T'HHmmss.ffffff'Z'";

    public string Root { get; } = Path.GetFullPath(root);

    public string IndexPath => Path.Combine(Root, "recordings.db");

    public string StreamFolder(StreamKey stream) => Path.Combine(Root, stream.CameraId, stream.KindName);

    public string CameraFolder(string cameraId) => Path.Combine(Root, cameraId);

    /// <summary>The path, relative to <see cref="Root"/> with '/' separators, of a file starting at <paramref name="startUs"/>.</summary>
    public static string RelativePath(StreamKey stream, long startUs)
    {
        var start = WallClock.FromMicroseconds(startUs).UtcDateTime;
        return string.Join('/', stream.CameraId, stream.KindName, start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            start.ToString(NameFormat, CultureInfo.InvariantCulture) + ".mp4");
    }

    public string FullPath(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Reads the stream and start time back from a relative path made by <see cref="RelativePath"/>.</summary>
    public static bool TryParse(string relativePath, out StreamKey stream, out long startUs)
    {
        stream = default;
        startUs = 0;
        var parts = relativePath.Split('/');
        if (parts.Length != 4 || !StreamKey.IsValidCameraId(parts[0]) || !parts[3].EndsWith(".mp4", StringComparison.Ordinal))
        {
            return false;
        }

        StreamKind kind;
        switch (parts[1])
        {
            case "main":
                kind = StreamKind.Main;
                break;
            case "sub":
                kind = StreamKind.Sub;
                break;
            default:
                return false;
        }

        if (!DateTime.TryParseExact(parts[3][..^4], NameFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start))
        {
            return false;
        }

        stream = new StreamKey(parts[0], kind);
        startUs = WallClock.ToMicroseconds(new DateTimeOffset(start, TimeSpan.Zero));
        return true;
    }

    /// <summary>Every recording file under the root, as relative paths.</summary>
    public IEnumerable<string> EnumerateFiles()
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(Root, "*.mp4", SearchOption.AllDirectories))
        {
            yield return Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
        }
    }
}
