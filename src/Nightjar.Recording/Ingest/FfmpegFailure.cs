using System.Text.RegularExpressions;

namespace Nightjar.Recording.Ingest;

/// <summary>Turns how ffmpeg ended (its exit code and the last lines it wrote to standard error) into a plain reason.</summary>
internal static partial class FfmpegFailure
{
    public static StreamProblem Classify(IReadOnlyList<string> stderr, bool producedVideo)
    {
        var text = string.Join('\n', stderr).ToLowerInvariant();
        if (text.Contains("401 unauthorized", StringComparison.Ordinal) || text.Contains("authorization failed", StringComparison.Ordinal)
            || text.Contains("403 forbidden", StringComparison.Ordinal))
        {
            return StreamProblem.WrongCredentials;
        }

        if (text.Contains("404 not found", StringComparison.Ordinal) || text.Contains("454 session not found", StringComparison.Ordinal))
        {
            return StreamProblem.StreamNotFound;
        }

        if (MissingTag().Match(text) is { Success: true } tag)
        {
            var codec = CodecName(tag.Groups[1].Value);
            return tag.Groups[2].Value == "0" ? StreamProblem.CodecNotSupported(codec) : StreamProblem.AudioNotStorable(codec);
        }

        if (text.Contains("matches no streams", StringComparison.Ordinal))
        {
            return new StreamProblem(StreamProblemKind.CodecNotSupported, "the stream has no video");
        }

        string[] unreachable = ["connection refused", "no route to host", "network is unreachable", "host is unreachable",
            "failed to resolve hostname", "name or service not known", "temporary failure in name resolution", "cannot assign requested address"];
        if (unreachable.Any(t => text.Contains(t, StringComparison.Ordinal)))
        {
            return StreamProblem.Unreachable;
        }

        if (text.Contains("timed out", StringComparison.Ordinal))
        {
            return StreamProblem.NotResponding;
        }

        if (text.Contains("[tls @", StringComparison.Ordinal) || text.Contains("ssl", StringComparison.Ordinal)
            || text.Contains("certificate", StringComparison.Ordinal) || text.Contains("handshake", StringComparison.Ordinal))
        {
            return StreamProblem.SecureConnectionFailed;
        }

        if (!producedVideo && text.Contains("invalid data found when processing input", StringComparison.Ordinal))
        {
            return StreamProblem.NotRtsp;
        }

        if (producedVideo || text.Length == 0 || text.Contains("end of file", StringComparison.Ordinal))
        {
            return StreamProblem.Ended;
        }

        var first = stderr.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
        return new StreamProblem(StreamProblemKind.Other, "camera error: " + (first.Length > 120 ? first[..120] + "…" : first));
    }

    /// <summary>Names for the audio codecs cameras send that MP4 cannot hold.</summary>
    private static string CodecName(string ffmpegName) => ffmpegName switch
    {
        "pcm_alaw" => "G.711 A-law",
        "pcm_mulaw" => "G.711 µ-law",
        "adpcm_g726" or "adpcm_g726le" => "G.726",
        "adpcm_g722" => "G.722",
        "pcm_s16be" or "pcm_s16le" => "PCM",
        "mjpeg" => "Motion JPEG",
        _ => ffmpegName,
    };

    [GeneratedRegex(@"could not find tag for codec (\S+) in stream #(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex MissingTag();
}
