using Nightjar.Recording.Ingest;

namespace Nightjar.Recorder.Cameras;

/// <summary>What Test found, or the field messages that kept it from trying.</summary>
public sealed record CameraTestOutcome(IReadOnlyDictionary<string, string> Errors, CameraForm Form, ProbeResult? Result)
{
    /// <summary>
    /// "H.264 High · 1920×1080 · 25 fps · 4.1 Mbit/s · audio: AAC", or "Test failed: wrong user name or password"; for
    /// an <c>rtsps://</c> camera followed by <see cref="CameraUrl.CertificateNotChecked"/>.
    /// </summary>
    public string? Text => Result switch
    {
        { Facts: { } facts } => FormatFacts(facts) + ScreenNote(facts) + CertificateNote,
        { Problem: { } problem } => "Test failed: " + problem.Text + CertificateNote,
        _ => null,
    };

    /// <summary>The box's browser decodes no H.265: said here, or a green Test would promise a live picture it cannot show.</summary>
    private static string ScreenNote(Recording.StreamFacts facts) =>
        facts.IsH265
            ? ". It is recorded and exported as it is, but this screen cannot show H.265 live: give the camera an H.264 sub-stream for live view"
            : "";

    private string CertificateNote => CameraUrl.CertificateIsNotChecked(Form.StreamUrl) ? ". " + CameraUrl.CertificateNotChecked : "";

    public static string FormatFacts(Recording.StreamFacts facts) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{facts.Codec} · {facts.Resolution} · {facts.FrameRate:0.##} fps · {facts.BitsPerSecond / 1_000_000.0:0.0} Mbit/s · audio: {facts.Audio ?? "none"}");
}
