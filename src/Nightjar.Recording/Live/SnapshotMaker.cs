using System.Diagnostics;

namespace Nightjar.Recording.Live;

/// <summary>
/// A JPEG of one keyframe: the init segment and the keyframe fragment are handed to ffmpeg, which decodes that one
/// frame and encodes it as JPEG. The only decoding the recorder ever does, and only when a snapshot is asked for.
/// </summary>
internal static class SnapshotMaker
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The JPEG, or null when ffmpeg could not decode the frame (it is not started through a shell).</summary>
    public static async Task<byte[]?> MakeAsync(string ffmpegPath, byte[] init, byte[] keyframe, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ffmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "pipe",
            "-f", "mp4", "-i", "pipe:0", "-frames:v", "1", "-q:v", "3", "-f", "image2", "-c:v", "mjpeg", "pipe:1",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start);
        if (process is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            var output = new MemoryStream();
            var reading = process.StandardOutput.BaseStream.CopyToAsync(output, timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(init, timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(keyframe, timeout.Token);
            process.StandardInput.Close();
            await reading;
            await errors;
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 && output.Length > 0 ? output.ToArray() : null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            process.Kill();
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }
}
