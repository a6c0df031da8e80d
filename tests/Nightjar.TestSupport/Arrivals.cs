using System.Collections.Concurrent;

namespace Nightjar.TestSupport;

/// <summary>What a test's server or subscriber received, in order, and a wait for the first that matches.</summary>
public sealed class Arrivals<T>(Func<T, string> describe) : IDisposable
{
    private readonly ConcurrentQueue<T> received = new();
    private readonly SemaphoreSlim arrived = new(0);

    public IReadOnlyList<T> All => [.. received];

    public void Add(T item)
    {
        received.Enqueue(item);
        arrived.Release();
    }

    /// <summary>The first arrival (so far or later) that <paramref name="match"/> accepts; throws, listing what came, after <paramref name="timeout"/>.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan timeout, string what)
    {
        using var expiry = new CancellationTokenSource(timeout);
        while (true)
        {
            foreach (var item in received)
            {
                if (match(item))
                {
                    return item;
                }
            }

            try
            {
                await arrived.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Nothing {what} within {timeout.TotalSeconds} s; received {received.Count}: {string.Join(" | ", received.Select(describe))}");
            }
        }
    }

    public void Dispose() => arrived.Dispose();
}
