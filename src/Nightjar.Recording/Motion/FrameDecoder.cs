using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Nightjar.Recording.Live;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Motion;

/// <summary>
/// One ffmpeg child that decodes the fragments of one run of a stream (as the recorder received them: no second
/// connection to the camera) into <see cref="MotionDetector.Width"/> × <see cref="MotionDetector.Height"/> grey
/// pictures, one per frame, as raw video in fragmented MOV on its standard output: each picture comes with its
/// timestamp. Single-threaded, loop filter skipped: a picture for motion need not be pretty, and every camera has one.
/// </summary>
internal sealed class FrameDecoder : IAsyncDisposable
{
    private const int PixelCount = MotionDetector.Width * MotionDetector.Height;

    private readonly Process process;
    private readonly Stream input;
    private readonly GrayFrameReader output;
    private readonly Queue<string> errors = new();
    private long firstDecodeTime = -1;

    /// <summary>The least delay seen, arrival wall time minus media time: as for recordings, the least delayed frame wins.</summary>
    private long offsetUs = long.MaxValue;

    private FrameDecoder(Process process)
    {
        this.process = process;
        input = process.StandardInput.BaseStream;
        output = new GrayFrameReader(new BufferedStream(process.StandardOutput.BaseStream, 64 * 1024), PixelCount);
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

    /// <summary>Starts ffmpeg and hands it the stream's init segment; null (logged) when ffmpeg cannot be started.</summary>
    public static async Task<FrameDecoder?> StartAsync(string ffmpegPath, byte[] init, ILogger logger, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ffmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in Arguments)
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

        var decoder = new FrameDecoder(process);
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
    /// comes (no frame rate conversion, no waiting for more input than the frame itself).
    /// </summary>
    private static readonly string[] Arguments =
    [
        "-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "pipe",
        "-threads", "1", "-flags", "low_delay", "-skip_loop_filter", "all", "-probesize", "4096", "-analyzeduration", "0",
        "-f", "mp4", "-i", "pipe:0", "-map", "0:v:0", "-an",
        "-vf", $"scale={MotionDetector.Width}:{MotionDetector.Height}:flags=area,format=gray", "-fps_mode", "passthrough",
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
    public async IAsyncEnumerable<GrayFrame> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
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

            var mediaUs = WallClock.MediaToMicroseconds(Volatile.Read(ref firstDecodeTime) + p.DecodeTime);
            yield return new GrayFrame(MotionDetector.Width, MotionDetector.Height, p.Pixels, mediaUs + Volatile.Read(ref offsetUs));
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
