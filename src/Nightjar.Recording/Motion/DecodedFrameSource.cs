using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nightjar.Recording.Live;

namespace Nightjar.Recording.Motion;

/// <summary>
/// A camera's analysis pictures, decoded from its live fan-out: a viewer like any other, so recording never waits for
/// it. When the box runs short of CPU the decoder falls behind, the fan-out drops what it missed up to the next
/// keyframe (<see cref="LiveSubscription"/>), and analysis pictures are lost first, never a recorded frame. A new run
/// of the stream (the camera reconnected) gets a new decoder; one that fails is started again at a later keyframe,
/// after a pause that doubles with each failure that gave no picture (up to a minute), so a stream ffmpeg cannot
/// decode costs a start a minute, not one a second.
/// </summary>
/// <param name="colour">Null for motion's grey pictures of every frame; the detector's size and rate for its colour ones.</param>
internal sealed class DecodedFrameSource(LiveFeed feed, string ffmpegPath, DetectionSize? colour, TimeProvider clock, ILogger logger) : IFrameSource
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(1);

    public async IAsyncEnumerable<AnalysisPicture> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var frames = Channel.CreateBounded<AnalysisPicture>(new BoundedChannelOptions(8)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(() => PumpAsync(frames.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var frame in frames.Reader.ReadAllAsync(cancellationToken))
            {
                yield return frame;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PumpAsync(ChannelWriter<AnalysisPicture> frames, CancellationToken cancellationToken)
    {
        using var viewer = feed.Subscribe();
        byte[]? init = null;
        (int Width, int Height) size = (0, 0);
        FrameDecoder? decoder = null;
        Task<bool>? reading = null;
        var pause = TimeSpan.Zero;
        var notBefore = clock.GetTimestamp();
        try
        {
            await foreach (var packet in viewer.Packets.ReadAllAsync(cancellationToken))
            {
                if (packet.IsInit)
                {
                    init = packet.Bytes;
                    size = SizeOf(init);
                    await StopAsync(decoder, reading);
                    decoder = null;
                    continue;
                }

                if (decoder is null)
                {
                    if (init is null || !packet.IsKeyframe || clock.GetTimestamp() < notBefore)
                    {
                        continue; // A decoder starts at a keyframe, or its first pictures are grey smears.
                    }

                    decoder = await FrameDecoder.StartAsync(ffmpegPath, init, size.Width, size.Height, colour, logger, cancellationToken);
                    if (decoder is null)
                    {
                        return; // No ffmpeg: logged; recording goes on without motion detection.
                    }

                    reading = CopyAsync(decoder, frames, cancellationToken);
                }

                try
                {
                    await decoder.WriteAsync(packet, cancellationToken);
                }
                catch (IOException)
                {
                    var gavePictures = await StopAsync(decoder, reading);
                    pause = gavePictures ? TimeSpan.Zero : pause == TimeSpan.Zero ? FirstPause : TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
                    notBefore = clock.GetTimestamp() + (long)(pause.TotalSeconds * clock.TimestampFrequency);
                    logger.LogWarning("Motion decoding of {Stream} stopped ({Error}); starting again in {Pause} s.", feed.Stream, decoder.LastError, pause.TotalSeconds);
                    decoder = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAsync(decoder, reading);
            frames.TryComplete();
        }
    }

    /// <summary>Hands the decoder's pictures on; true when it gave any.</summary>
    private async Task<bool> CopyAsync(FrameDecoder decoder, ChannelWriter<AnalysisPicture> frames, CancellationToken cancellationToken)
    {
        var any = false;
        try
        {
            await foreach (var frame in decoder.ReadAsync(cancellationToken))
            {
                any = true;
                frames.TryWrite(frame);
            }
        }
        catch (Exception ex) when (ex is IOException or Mp4.Mp4FormatException)
        {
            logger.LogWarning("Motion decoding of {Stream} gave unreadable output: {Message}", feed.Stream, ex.Message);
        }
        catch (OperationCanceledException)
        {
        }

        return any;
    }

    /// <summary>The stream's picture size, from its init segment (0 × 0 when it cannot be read: the decoder will say why).</summary>
    private static (int Width, int Height) SizeOf(byte[] init)
    {
        try
        {
            return Mp4.InitSegment.Parse(init).Video is { } video ? (video.Width, video.Height) : (0, 0);
        }
        catch (Mp4.Mp4FormatException)
        {
            return (0, 0);
        }
    }

    /// <summary>Stops a decoder; true when it gave pictures.</summary>
    private static async Task<bool> StopAsync(FrameDecoder? decoder, Task<bool>? reading)
    {
        if (decoder is null)
        {
            return false;
        }

        await decoder.DisposeAsync();
        return reading is not null && await reading;
    }
}
