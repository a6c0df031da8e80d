using System.Text.RegularExpressions;

namespace Nightjar.Recording;

/// <summary>One recorded stream: a camera and which of its streams. Also the folder its files live in (<c>cam/main</c>).</summary>
public readonly partial record struct StreamKey(string CameraId, StreamKind Kind)
{
    /// <summary>Camera ids become folder names: lower-case letters, digits and dashes only.</summary>
    public static bool IsValidCameraId(string? id) => id is not null && CameraIdPattern().IsMatch(id);

    public string KindName => Kind == StreamKind.Main ? "main" : "sub";

    public override string ToString() => CameraId + "/" + KindName;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex CameraIdPattern();
}
