using System.Diagnostics;
using System.Net.Http.Json;
using Nightjar.Recorder.Hosting;

namespace Nightjar.TestSupport;

/// <summary>
/// The recorder as a separate process (<c>dotnet Nightjar.Recorder.dll</c>, or a published build's executable), for
/// what only a whole process shows: start-up time, resident memory, surviving SIGKILL, the appliance build.
/// </summary>
public sealed class RecorderChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly System.Text.StringBuilder standardError = new();
    private bool disposed;

    private RecorderChildProcess(Process process, Uri consoleUrl, Uri apiUrl)
    {
        this.process = process;
        ConsoleUrl = consoleUrl;
        ApiUrl = apiUrl;
    }

    public Uri ConsoleUrl { get; }

    /// <summary>The companion-app API listener (TLS with the recorder's self-signed certificate).</summary>
    public Uri ApiUrl { get; }

    public int ProcessId => process.Id;

    /// <summary>Starts the recorder next to this assembly on fresh loopback ports and waits until <c>/healthz</c> answers.</summary>
    public static Task<RecorderChildProcess> StartAsync(string dataDir, params string[] extraArgs) =>
        UntilHealthyAsync(Stopwatch.StartNew(), Launch(dataDir, extraArgs));

    /// <summary>Starts the recorder and returns at once, so a test can kill it at any instant of its start.</summary>
    public static RecorderChildProcess Launch(string dataDir, params string[] extraArgs) =>
        Launch("dotnet", [Path.Combine(AppContext.BaseDirectory, "Nightjar.Recorder.dll")], AppContext.BaseDirectory, dataDir, extraArgs);

    /// <summary>
    /// Starts the recorder inside a network namespace (its loopback is the namespace's own, so only a browser or client
    /// inside reaches it) and waits until its console answers there.
    /// </summary>
    public static async Task<RecorderChildProcess> StartInsideAsync(NetworkNamespace inside, string dataDir, params string[] extraArgs)
    {
        var launched = Stopwatch.StartNew();
        var child = Launch(NetworkNamespace.Ip, ["netns", "exec", inside.Name, "dotnet", Path.Combine(AppContext.BaseDirectory, "Nightjar.Recorder.dll")],
            AppContext.BaseDirectory, dataDir, extraArgs);
        while (launched.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (child.process.HasExited)
            {
                throw new InvalidOperationException($"The recorder exited with code {child.process.ExitCode}: {child.StandardError}");
            }

            if (await inside.RunInsideAsync(() => AnswersAsync(child.ConsoleUrl.Port)))
            {
                child.StartupTime = launched.Elapsed;
                return child;
            }

            await Task.Delay(250);
        }

        await child.DisposeAsync();
        throw new TimeoutException("The recorder in the network namespace did not answer within 60 s.");
    }

    /// <summary>Whether <c>/healthz</c> answers 200 on this loopback port; the socket is made at once, on the calling thread's network.</summary>
    private static async Task<bool> AnswersAsync(int port)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
            // The console's listener answers only requests for its own host and port.
            await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"));
            var answer = new byte[16];
            var read = await socket.ReceiveAsync(answer);
            return System.Text.Encoding.ASCII.GetString(answer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Starts a published, self-contained recorder by its own executable and waits until it is healthy.</summary>
    public static Task<RecorderChildProcess> StartPublishedAsync(string executable, string dataDir, params string[] extraArgs) =>
        UntilHealthyAsync(Stopwatch.StartNew(), Launch(executable, [], Path.GetDirectoryName(executable)!, dataDir, extraArgs));

    private static async Task<RecorderChildProcess> UntilHealthyAsync(Stopwatch launched, RecorderChildProcess child)
    {
        await child.WaitUntilHealthyAsync(notBootId: null);
        child.StartupTime = launched.Elapsed;
        return child;
    }

    private static RecorderChildProcess Launch(string program, string[] programArgs, string workingDirectory, string dataDir, string[] extraArgs)
    {
        var consolePort = FreePort.Next();
        var apiPort = FreePort.Next();
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in programArgs.Concat(
        [
            $"--Nightjar:DataDir={dataDir}",
            $"--Nightjar:Console:Url=http://127.0.0.1:{consolePort}",
            $"--Nightjar:Api:Url=https://127.0.0.1:{apiPort}",
            "--Logging:LogLevel:Default=Warning",
        ]).Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var child = new RecorderChildProcess(process, new Uri($"http://127.0.0.1:{consolePort}"), new Uri($"https://127.0.0.1:{apiPort}"));
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (child.standardError)
            {
                child.standardError.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>What the recorder wrote to standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (standardError)
            {
                return standardError.ToString();
            }
        }
    }

    /// <summary>Waits for the process to end by itself (a failed start); returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(limit.Token);
        process.WaitForExit(); // lets the standard error reader drain
        return process.ExitCode;
    }

    /// <summary>How long the start took, from launching the process to the first healthy answer.</summary>
    public TimeSpan StartupTime { get; private set; }

    public double ResidentMegabytes()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    public async Task<string> BootIdAsync()
    {
        using var http = new HttpClient { BaseAddress = ConsoleUrl, Timeout = TimeSpan.FromSeconds(2) };
        return (await http.GetFromJsonAsync<HealthReport>("/healthz"))!.BootId;
    }

    /// <summary>Waits until <c>/healthz</c> answers with a boot id other than <paramref name="notBootId"/> and the API listener accepts connections.</summary>
    public async Task WaitUntilHealthyAsync(string? notBootId)
    {
        using var http = new HttpClient { BaseAddress = ConsoleUrl, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The recorder exited with code {process.ExitCode}.");
            }

            try
            {
                if (await http.GetFromJsonAsync<HealthReport>("/healthz") is { Status: "ok" } health && health.BootId != notBootId)
                {
                    // Kestrel binds its listeners one after the other: the console may answer a moment before the API.
                    using var api = new System.Net.Sockets.TcpClient();
                    await api.ConnectAsync(ApiUrl.Host, ApiUrl.Port);
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
            {
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("The recorder did not become healthy within 60 s.");
    }

    public HttpClient CreateConsoleClient() => new() { BaseAddress = ConsoleUrl, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>SIGKILL: no shutdown code runs, exactly as when the power is cut.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await KillAsync();
        process.Dispose();
    }
}
