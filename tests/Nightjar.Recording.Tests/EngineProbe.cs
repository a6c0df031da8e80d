namespace Nightjar.Recording.Tests;

/// <summary>Waits for what an engine does in real time, with a bound so a broken engine fails the test instead of hanging it.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, TimeSpan within, string what) where T : class
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (waited.Elapsed > within)
            {
                throw new TimeoutException($"Not within {within.TotalSeconds:0.#} s: {what}");
            }

            await Task.Delay(50);
        }
    }

    public static Task<StreamStatus> StateAsync(RecordingEngine engine, StreamKey stream, Func<StreamStatus, bool> condition, TimeSpan within, string what) =>
        ReturnsAsync(() => Task.FromResult(engine.Status(stream) is { } s && condition(s) ? s : null), within, what);
}
