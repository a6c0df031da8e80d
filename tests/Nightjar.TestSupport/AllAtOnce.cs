namespace Nightjar.TestSupport;

/// <summary>
/// Runs a call on many threads released together. Task.Run is not enough for a race: the thread pool starts with
/// one thread per core and SQLite's "async" calls complete synchronously, so tasks mostly run one after another.
/// Here every call has its own thread, all waiting at the same gate, and the OS interleaves them.
/// </summary>
public static class AllAtOnce
{
    public static T[] Run<T>(int count, Func<Task<T>> call)
    {
        var results = new T[count];
        var errors = new Exception?[count];
        using var gate = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            gate.Wait();
            try
            {
                results[i] = call().GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        gate.Set();
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw new AggregateException("A call made all at once failed.", error);
        }

        return results;
    }
}
