using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Ingest;

/// <summary>
/// One ffmpeg child process pulling one RTSP stream and writing fragmented MP4 to its standard output, which this
/// class reads. Started without a shell; killed (SIGKILL) when aborted or disposed. If the recorder itself is killed,
/// ffmpeg's next write to the closed pipe ends it.
/// </summary>
internal sealed class FfmpegSource : IFragmentSource
{
    private const int StderrLinesKept = 30;
    private const int StderrLineLength = 300;

    private readonly Process? process;
    private readonly FragmentedMp4Reader? reader;
    private readonly StreamEndpoint endpoint;
    private readonly Queue<string> stderr = new();
    private readonly TaskCompletionSource stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StreamProblem? startFailure;
    private bool producedVideo;

    private FfmpegSource(string ffmpegPath, StreamEndpoint endpoint, bool withAudio, ILogger logger)
    {
        this.endpoint = endpoint;
        var start = new ProcessStartInfo(ffmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in FfmpegArguments.For(endpoint, withAudio))
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("ffmpeg did not start.");
        }
        catch (Win32Exception ex)
        {
            logger.LogError("Cannot start ffmpeg at '{Path}': {Message}", ffmpegPath, ex.Message);
            startFailure = new StreamProblem(StreamProblemKind.Other, $"ffmpeg could not be started ('{ffmpegPath}': {ex.Message})");
            stderrClosed.SetResult();
            return;
        }

        process.StandardInput.Close();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                stderrClosed.TrySetResult();
                return;
            }

            var line = CredentialRedaction.Redact(e.Data.Length > StderrLineLength ? e.Data[..StderrLineLength] : e.Data, endpoint);
            lock (stderr)
            {
                stderr.Enqueue(line);
                if (stderr.Count > StderrLinesKept)
                {
                    stderr.Dequeue();
                }
            }
        };
        process.BeginErrorReadLine();
        // Reads from a pipe go through the thread pool: one 64 KB read usually takes a whole fragment (header, moof,
        // mdat) in one trip instead of one per box.
        reader = new FragmentedMp4Reader(new BufferedStream(process.StandardOutput.BaseStream, 64 * 1024));
    }

    public static FfmpegSource Start(string ffmpegPath, StreamEndpoint endpoint, bool withAudio, ILogger logger) =>
        new(ffmpegPath, endpoint, withAudio, logger);

    /// <summary>What ffmpeg wrote to standard error, credentials removed.</summary>
    public IReadOnlyList<string> Stderr
    {
        get
        {
            lock (stderr)
            {
                return [.. stderr];
            }
        }
    }

    public async Task<InitSegment> ReadInitAsync(CancellationToken cancellationToken) =>
        await (reader ?? throw new EndOfStreamException("ffmpeg is not running.")).ReadInitAsync(cancellationToken);

    public async Task<MediaFragment?> ReadFragmentAsync(InitSegment init, CancellationToken cancellationToken)
    {
        var fragment = await (reader ?? throw new EndOfStreamException("ffmpeg is not running.")).ReadFragmentAsync(init, cancellationToken);
        producedVideo |= fragment?.HasVideo == true;
        return fragment;
    }

    public void Abort()
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }
    }

    public async Task<StreamProblem> DescribeEndAsync()
    {
        if (startFailure is not null)
        {
            return startFailure;
        }

        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await process!.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Abort();
            }
        }

        await stderrClosed.Task.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return FfmpegFailure.Classify(Stderr, producedVideo);
    }

    public async ValueTask DisposeAsync()
    {
        if (process is null)
        {
            return;
        }

        Abort();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A process that survives SIGKILL for 5 s is stuck in the kernel; nothing more can be done from here.
        }

        process.Dispose();
    }
}
