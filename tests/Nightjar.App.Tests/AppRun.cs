using Nightjar.Client;

namespace Nightjar.App.Tests;

/// <summary>Runs <c>nightjar-app</c> in this process with its standard input, output and error as text.</summary>
public static class AppRun
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(DeviceStore store, string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CompanionCommands.RunAsync(args, new StringReader(stdin), output, error, store);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that goes on (<c>events --follow</c>) until <paramref name="stop"/>, its output readable meanwhile.</summary>
    public static Task<int> RunUntilAsync(DeviceStore store, TextWriter output, TextWriter error, CancellationToken stop, params string[] args) =>
        CompanionCommands.RunAsync(args, new StringReader(""), output, error, store, stop);
}
