using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Ingest;

/// <summary>
/// "Test" in the camera dialog: connects the way recording would, reads a few seconds, and reports codec, picture size,
/// frame rate and bitrate, or the plain reason it cannot record. Nothing is written.
/// </summary>
internal sealed class CameraProbe(IFragmentSourceFactory sources, TimeProvider clock)
{
    /// <summary>Long enough for two keyframes of a typical camera and a steady bitrate.</summary>
    private static readonly long MeasureFor = 3L * MediaFragment.Timebase;

    /// <summary>Upper bound of a test, whatever the camera does.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task<ProbeResult> ProbeAsync(StreamEndpoint endpoint, CancellationToken cancellationToken)
    {
        string? audioNote = null;
        var withAudio = true;
        while (true)
        {
            var result = await ProbeOnceAsync(endpoint, withAudio, audioNote, cancellationToken);
            if (result.Problem is { Kind: StreamProblemKind.AudioNotStorable } audio && withAudio)
            {
                withAudio = false;
                audioNote = audio.Text;
                continue;
            }

            return result;
        }
    }

    private async Task<ProbeResult> ProbeOnceAsync(StreamEndpoint endpoint, bool withAudio, string? audioNote, CancellationToken cancellationToken)
    {
        await using var source = sources.Open(endpoint, withAudio);
        var timedOut = false;
        using var deadline = clock.CreateTimer(_ =>
        {
            timedOut = true;
            source.Abort();
        }, null, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        using var cancel = cancellationToken.Register(source.Abort);
        var rates = new RateMeter();
        try
        {
            var init = await source.ReadInitAsync(cancellationToken);
            if (init.Video is not { } video)
            {
                return new ProbeResult(null, new StreamProblem(StreamProblemKind.CodecNotSupported, "the stream has no video"));
            }

            if (!video.Codec.IsRecordableVideo)
            {
                return new ProbeResult(null, StreamProblem.CodecNotSupported(video.Codec.Name));
            }

            long? first = null;
            while (await source.ReadFragmentAsync(init, cancellationToken) is { } fragment)
            {
                first ??= fragment.IsKeyframe ? fragment.DecodeTime : null;
                if (first is null)
                {
                    continue;
                }

                rates.Add(fragment);
                if (fragment.DecodeTime - first >= MeasureFor)
                {
                    source.Abort();
                    return new ProbeResult(
                        new StreamFacts(video.Codec.Name, video.Width, video.Height, rates.FrameRate, rates.BitsPerSecond,
                            init.Audio?.Codec.Name ?? audioNote, init.Audio is not null),
                        null);
                }
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or Mp4FormatException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return new ProbeResult(null, timedOut ? StreamProblem.NotResponding : await source.DescribeEndAsync());
    }
}
