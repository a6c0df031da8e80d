using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Nightjar.Recording.Live;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Motion;

/// <summary>
/// One ffmpeg child that decodes the fragments of one run of a stream (as the recorder received them: no second
/// connection to the camera) into <see cref="MotionDetector.Width"/> × <see cref="MotionDetector.Height"/> grey
/// pictures, one per frame, as raw video in fragmented MOV on its standard output: each picture comes with its
/// timestamp; or, for the object detector while a camera has motion, into a few colour pictures a second letterboxed to
/// its input (<see cref="DetectionSize"/>). One kind per child: ffmpeg's MOV muxer gets fragment times wrong when it
/// interleaves two tracks a fragment at a time. Single-threaded, loop filter skipped: analysis pictures need not be
/// pretty, and every camera has a decoder.
/// </summary>
internal sealed class FrameDecoder : IAsyncDisposable
{
    private const int PixelCount = MotionDetector.Width * MotionDetector.Height;

    private readonly Process process;
    private readonly Stream input;
    private readonly DecodedPictureReader output;
    private readonly DetectionSize? colour;
    private readonly Detection.PictureArea content;
    private readonly Queue<string> errors = new();
    private long firstDecodeTime = -1;

    /// <summary>The least delay seen, arrival wall time minus media time: as for recordings, the least delayed frame wins.</summary>
    private long offsetUs = long.MaxValue;

    private FrameDecoder(Process process, DetectionSize? colour, Detection.PictureArea content)
    {
        this.process = process;
        this.colour = colour;
        this.content = content;
        input = process.StandardInput.BaseStream;
        output = new DecodedPictureReader(
            new BufferedStream(process.StandardOutput.BaseStream, 64 * 1024), colour is { } d ? d.Width * d.Height * 3 : PixelCount);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (errors)
                {
                    errors.Enqueue(line.Length > 200 ? line[..200] : line);
                    if (errors.Count > 5)
                    {
                        errors.Dequeue();
                    }
                }
            }
        };
        process.BeginErrorReadLine();
    }

    /// <summary>What ffmpeg last said on standard error.</summary>
    public string LastError
    {
        get
        {
            lock (errors)
            {
                return string.Join(" / ", errors);
            }
        }
    }

    /// <summary>
    /// Starts ffmpeg and hands it the stream's init segment; null (logged) when ffmpeg cannot be started. With
    /// <paramref name="colour"/>, the pictures are the object detector's, letterboxed from the stream's picture of
    /// <paramref name="sourceWidth"/> × <paramref name="sourceHeight"/>.
    /// </summary>
    public static async Task<FrameDecoder?> StartAsync(
        string ffmpegPath, byte[] init, int sourceWidth, int sourceHeight, DetectionSize? colour, ILogger logger, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ffmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in Arguments(colour))
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("ffmpeg did not start.");
        }
        catch (Win32Exception ex)
        {
            logger.LogError("Motion detection cannot start ffmpeg at '{Path}': {Message}", ffmpegPath, ex.Message);
            return null;
        }

        var content = colour is { } d && sourceWidth > 0 && sourceHeight > 0
            ? Detection.DetectionPicture.Letterbox(d.Width, d.Height, sourceWidth, sourceHeight)
            : new Detection.PictureArea(0, 0, colour?.Width ?? 0, colour?.Height ?? 0);
        var decoder = new FrameDecoder(process, colour, content);
        try
        {
            await decoder.input.WriteAsync(init, cancellationToken);
        }
        catch (IOException)
        {
            // ffmpeg already gone: reading its output ends at once, and the caller starts another.
        }

        return decoder;
    }

    /// <summary>
    /// Read from a pipe only (no file, no network); every frame decoded in order and each one scaled and written as it
    /// comes (no frame rate conversion, no waiting for more input than the frame itself). The detector's pictures are a
    /// few a second of the same frames, scaled to fit its input and padded with YOLOX's grey (114).
    /// </summary>
    private static string[] Arguments(DetectionSize? colour) =>
    [
        "-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "pipe",
        "-threads", "1", "-flags", "low_delay", "-skip_loop_filter", "all", "-probesize", "4096", "-analyzeduration", "0",
        "-f", "mp4", "-i", "pipe:0", "-map", "0:v:0", "-an",
        "-vf", colour is { } d
            ? string.Create(CultureInfo.InvariantCulture,
                $"fps={d.PerSecond},scale={d.Width}:{d.Height}:force_original_aspect_ratio=decrease:flags=bilinear,pad={d.Width}:{d.Height}:(ow-iw)/2:(oh-ih)/2:color=0x727272,format=bgr24")
            : $"scale={MotionDetector.Width}:{MotionDetector.Height}:flags=area,format=gray",
        "-fps_mode", "passthrough",
        "-c:v", "rawvideo", "-f", "mov", "-movflags", "empty_moov+default_base_moof+frag_every_frame", "-flush_packets", "1", "pipe:1",
    ];

    /// <summary>Hands one fragment to the decoder. Throws <see cref="IOException"/> when ffmpeg has gone.</summary>
    public async Task WriteAsync(LivePacket fragment, CancellationToken cancellationToken)
    {
        if (firstDecodeTime < 0)
        {
            Volatile.Write(ref firstDecodeTime, fragment.DecodeTime);
        }

        var delay = (fragment.ArrivedUnixMs * 1000) - WallClock.MediaToMicroseconds(fragment.DecodeTime);
        if (delay < Volatile.Read(ref offsetUs))
        {
            Volatile.Write(ref offsetUs, delay);
        }

        await input.WriteAsync(fragment.Bytes, cancellationToken);
        await input.FlushAsync(cancellationToken);
    }

    /// <summary>The decoded pictures with their wall times, until ffmpeg ends. Throws on output that is not what was asked for.</summary>
    public async IAsyncEnumerable<AnalysisPicture> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            (long DecodeTime, byte[] Pixels)? picture;
            try
            {
                picture = await output.ReadAsync(cancellationToken);
            }
            catch (EndOfStreamException)
            {
                yield break;
            }

            if (picture is not { } p)
            {
                yield break;
            }

            var wallUs = WallClock.MediaToMicroseconds(Volatile.Read(ref firstDecodeTime) + p.DecodeTime) + Volatile.Read(ref offsetUs);
            yield return colour is { } d
                ? new Detection.DetectionPicture(d.Width, d.Height, p.Pixels, content, wallUs)
                : new GrayFrame(MotionDetector.Width, MotionDetector.Height, p.Pixels, wallUs);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Gone already, or stuck in the kernel: nothing more can be done from here.
        }

        process.Dispose();
    }
}
