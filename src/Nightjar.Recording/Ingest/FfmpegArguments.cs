namespace Nightjar.Recording.Ingest;

/// <summary>
/// The ffmpeg command line for one stream. No shell ever sees it: each item is one argv entry. The demuxer is forced
/// to RTSP and the protocol whitelist allows only RTSP over TCP or TLS, so no URL can make ffmpeg open a file, a
/// pipe, <c>concat:</c> or any other protocol.
/// </summary>
internal static class FfmpegArguments
{
    public const string ProtocolWhitelist = "rtsp,rtsps,tcp,tls";

    /// <summary>Socket timeout of every camera read and connect, in microseconds (ffmpeg 5's <c>-timeout</c> for RTSP).</summary>
    public const string SocketTimeoutMicroseconds = "5000000";

    public static IReadOnlyList<string> For(StreamEndpoint endpoint, bool withAudio)
    {
        List<string> args =
        [
            "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error",
            "-rtsp_transport", "tcp",
            "-timeout", SocketTimeoutMicroseconds,
            // The frame rate is in the stream itself; guessing it from 20 frames first costs a second at every connect.
            "-fpsprobesize", "0",
            "-protocol_whitelist", ProtocolWhitelist,
            "-f", "rtsp",
            "-i", endpoint.UrlWithCredentials(),
            "-map", "0:v:0",
        ];
        if (withAudio)
        {
            args.AddRange(["-map", "0:a:0?"]);
        }
        else
        {
            args.Add("-an");
        }

        args.AddRange(
        [
            // Copy, never transcode: the camera's own H.264/H.265 goes to disk bit for bit.
            "-c", "copy",
            // One fragment per frame, each written as soon as it is whole: a kill loses about one frame, and live
            // viewers get a frame the moment the next one arrives.
            "-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_every_frame", "-flush_packets", "1",
            "pipe:1",
        ]);
        return args;
    }
}
