using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Tests;

/// <summary>Options that never change, for building one service by hand in a unit test.</summary>
public sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
