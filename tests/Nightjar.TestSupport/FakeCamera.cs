using System.Diagnostics;
using System.Globalization;

namespace Nightjar.TestSupport;

/// <summary>
/// The project's fake camera (scripts/fake-camera: GStreamer's RTSP server) as a child process on a free loopback
/// port, at test sizes (640×360 main, 320×180 sub) unless told otherwise. It can be killed and started again on the
/// same port, and paused (SIGSTOP) to play a camera that hangs.
/// </summary>
public sealed class FakeCamera : IAsyncDisposable
{
    private readonly string[] options;
    private Process? process;

    private FakeCamera(int port, string[] options)
    {
        Port = port;
        this.options = options;
    }

    public int Port { get; }

    public int ProcessId => process?.Id ?? 0;

    /// <summary>rtsp://127.0.0.1:port/mount, with no credentials.</summary>
    public Uri Url(string mount = "main") => new($"rtsp://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{mount}");

    /// <summary>
    /// Starts a camera. <paramref name="gop"/> is the frames between keyframes (25 fps): small values make tests reach
    /// their first keyframe sooner. With <paramref name="user"/>, every mount asks for digest authentication. With
    /// <paramref name="timeCode"/>, every picture carries the wall time it was made (read it with <see cref="TimeCode"/>).
    /// </summary>
    public static async Task<FakeCamera> StartAsync(int gop = 25, string mainSize = "640x360", string subSize = "320x180", string? user = null,
        string? password = null, int mainKbps = 1000, bool timeCode = false)
    {
        List<string> options =
        [
            "--gop", gop.ToString(CultureInfo.InvariantCulture), "--main-size", mainSize, "--sub-size", subSize,
            "--main-kbps", mainKbps.ToString(CultureInfo.InvariantCulture),
        ];
        if (user is not null)
        {
            options.AddRange(["--user", user, "--password", password ?? ""]);
        }

        if (timeCode)
        {
            options.Add("--time-code");
        }

        var camera = new FakeCamera(FreePort.Next(), [.. options]);
        await camera.StartProcessAsync();
        return camera;
    }

    /// <summary>Starts the camera again on the same port after <see cref="KillAsync"/>.</summary>
    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(System.IO.Path.Combine(RepositoryRoot.Path, "scripts", "fake-camera"));
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(Port.ToString(CultureInfo.InvariantCulture));
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        for (var attempt = 0; ; attempt++)
        {
            var started = Process.Start(start) ?? throw new InvalidOperationException("The fake camera did not start.");
            var errors = started.StandardError.ReadToEndAsync();
            var ready = await started.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            if (ready?.StartsWith("ready ", StringComparison.Ordinal) == true)
            {
                process = started;
                return;
            }

            await started.WaitForExitAsync();
            var why = await errors;
            started.Dispose();
            // The port of a camera killed a moment ago can still be held by the kernel for a little while.
            if (attempt >= 20)
            {
                throw new InvalidOperationException("The fake camera did not start: " + why);
            }

            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL: the camera vanishes mid-stream, as when it loses power.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>SIGSTOP: the camera's connections stay open but nothing more arrives, as when its firmware hangs.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, ProcessId.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            Resume();
            await KillAsync();
        }
    }
}
