using System.Threading.Channels;
using Nightjar.Recording.Ingest;
using Nightjar.Recording.Mp4;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>A camera connection the test drives: it hands the engine the frames the test pushes, and ends how the test says.</summary>
internal sealed class ScriptedSource(bool withAudio) : IFragmentSource
{
    private readonly Channel<MediaFragment> frames = Channel.CreateUnbounded<MediaFragment>();
    private readonly TaskCompletionSource<InitSegment?> init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object gate = new();
    private int reads;
    private TaskCompletionSource readsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StreamProblem? end;

    public bool WithAudio { get; } = withAudio;

    public bool Aborted { get; private set; }

    /// <summary>Completes when the engine let go of this connection; it starts its wait before the next one right after.</summary>
    public Task Disposed => disposed.Task;

    /// <summary>The camera answers with this init segment.</summary>
    public void Connect(InitSegment segment) => init.TrySetResult(segment);

    /// <summary>The connection ends (before or after its init segment) with ffmpeg saying <paramref name="problem"/>.</summary>
    public void End(StreamProblem problem)
    {
        end = problem;
        init.TrySetResult(null);
        frames.Writer.TryComplete();
    }

    /// <summary>Pushes one frame and waits until the engine has written it and come back for the next.</summary>
    public async Task PushAsync(MediaFragment fragment)
    {
        int target;
        lock (gate)
        {
            target = reads + 1;
        }

        await frames.Writer.WriteAsync(fragment);
        while (true)
        {
            Task changed;
            lock (gate)
            {
                if (reads >= target || Aborted)
                {
                    return;
                }

                changed = readsChanged.Task;
            }

            await changed.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public async Task<InitSegment> ReadInitAsync(CancellationToken cancellationToken) =>
        await init.Task.WaitAsync(cancellationToken) ?? throw new EndOfStreamException("ended before the init segment");

    public async Task<MediaFragment?> ReadFragmentAsync(InitSegment segment, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            reads++;
            readsChanged.TrySetResult();
            readsChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            return await frames.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public void Abort()
    {
        lock (gate)
        {
            Aborted = true;
            readsChanged.TrySetResult();
        }

        end ??= StreamProblem.Ended;
        init.TrySetResult(null);
        frames.Writer.TryComplete();
    }

    public Task<StreamProblem> DescribeEndAsync() => Task.FromResult(end ?? StreamProblem.Ended);

    public ValueTask DisposeAsync()
    {
        Abort();
        disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
