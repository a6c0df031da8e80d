using System.Diagnostics;

namespace Nightjar.Recording.Tests.Boxes;

/// <summary>
/// A small real recording made by Debian's ffmpeg at test time: 3 s of its test pattern (320×180 H.264, 10 fps, a
/// keyframe a second) and a tone (AAC), one fragment per keyframe, so its track runs hold many samples each.
/// </summary>
internal static class RecordedSample
{
    private static readonly Lazy<byte[]> Made = new(Make);

    public static byte[] Bytes => Made.Value;

    private static byte[] Make()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder.Path);
        var path = Path.Combine(folder.Path, "sample.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "-y", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000", "-t", "3",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "32k",
            "-f", "mp4", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", path,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using (var ffmpeg = Process.Start(start)!)
        {
            var errors = ffmpeg.StandardError.ReadToEnd();
            ffmpeg.WaitForExit();
            if (ffmpeg.ExitCode != 0)
            {
                throw new InvalidOperationException("ffmpeg could not make the sample recording: " + errors);
            }
        }

        return File.ReadAllBytes(path);
    }
}
