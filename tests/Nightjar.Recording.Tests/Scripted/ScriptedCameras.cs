using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Nightjar.Recording.Ingest;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>The engine's source factory in unit tests: every connection attempt becomes a <see cref="ScriptedSource"/> the test picks up.</summary>
internal sealed class ScriptedCameras(FakeTimeProvider clock) : IFragmentSourceFactory
{
    private readonly ConcurrentDictionary<Uri, Channel<ScriptedSource>> attempts = new();
    private readonly ConcurrentQueue<(Uri Url, DateTimeOffset At, bool WithAudio)> opened = new();

    /// <summary>What a TCP connect to the camera would say.</summary>
    public bool Reachable { get; set; } = true;

    /// <summary>Every connection attempt so far, in order, with the fake clock's time.</summary>
    public IReadOnlyList<(Uri Url, DateTimeOffset At, bool WithAudio)> Opened => [.. opened];

    public IFragmentSource Open(StreamEndpoint endpoint, bool withAudio)
    {
        var source = new ScriptedSource(withAudio);
        opened.Enqueue((endpoint.Url, clock.GetUtcNow(), withAudio));
        Attempts(endpoint.Url).Writer.TryWrite(source);
        return source;
    }

    public Task<bool> IsReachableAsync(StreamEndpoint endpoint, CancellationToken cancellationToken) => Task.FromResult(Reachable);

    /// <summary>The next connection attempt to <paramref name="url"/> (waits for it, in real time, for at most 10 s or <paramref name="within"/>).</summary>
    public async Task<ScriptedSource> NextAttemptAsync(Uri url, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        return await Attempts(url).Reader.ReadAsync(timeout.Token);
    }

    private Channel<ScriptedSource> Attempts(Uri url) => attempts.GetOrAdd(url, _ => Channel.CreateUnbounded<ScriptedSource>());
}
