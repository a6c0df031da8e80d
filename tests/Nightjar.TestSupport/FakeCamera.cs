using System.Diagnostics;
using System.Globalization;

namespace Nightjar.TestSupport;

/// <summary>
/// The project's fake camera (scripts/fake-camera: GStreamer's RTSP server) as a child process on a free loopback
/// port, at test sizes (640×360 main, 320×180 sub) unless told otherwise. It can be killed and started again on the
/// same port, and paused (SIGSTOP) to play a camera that hangs. Its motion scene (mounts <c>motion</c> and
/// <c>motion-sub</c>) moves on a schedule the camera announces on standard output; this collects the announcements as
/// <see cref="Happenings"/>, so motion-detection tests know when something moved.
/// </summary>
public sealed class FakeCamera : IAsyncDisposable
{
    private readonly string[] options;
    private readonly List<SceneHappening> happenings = [];
    private Process? process;
    private Task? outputReader;

    // Where the running process's happenings begin in the list (guarded by its lock, like the signal below).
    private int currentFirst;

    // Completed, and replaced, whenever a happening is added: what waiters wait for.
    private TaskCompletionSource announced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeCamera(int port, string[] options)
    {
        Port = port;
        this.options = options;
    }

    public int Port { get; }

    public int ProcessId => process?.Id ?? 0;

    /// <summary>The port its ONVIF services answer on (started with <c>onvif: true</c>), else null.</summary>
    public int? OnvifPort { get; private init; }

    /// <summary>The network namespace it runs in (on its own address there), or null: the test's own loopback.</summary>
    public NetworkNamespace? Inside { get; private init; }

    /// <summary>The address it listens on.</summary>
    public string Address => Inside?.Address ?? "127.0.0.1";

    /// <summary>Its ONVIF device service, as the owner would type its address.</summary>
    public Uri OnvifDeviceService => new($"http://{Address}:{(OnvifPort ?? throw new InvalidOperationException("Started without ONVIF.")).ToString(CultureInfo.InvariantCulture)}/onvif/device_service");

    /// <summary>rtsp://address:port/mount, with no credentials.</summary>
    public Uri Url(string mount = "main") => new($"rtsp://{Address}:{Port.ToString(CultureInfo.InvariantCulture)}/{mount}");

    /// <summary>
    /// Every scene happening announced so far (a copy), in the order announced, across restarts: a restarted camera's
    /// happenings follow the earlier process's, numbered from 0 again.
    /// </summary>
    public IReadOnlyList<SceneHappening> Happenings
    {
        get
        {
            lock (happenings)
            {
                return happenings.ToArray();
            }
        }
    }

    /// <summary>
    /// Starts a camera. <paramref name="gop"/> is the frames between keyframes (25 fps): small values make tests reach
    /// their first keyframe sooner. With <paramref name="user"/>, every mount asks for digest authentication. With
    /// <paramref name="timeCode"/>, every picture carries the wall time it was made (read it with <see cref="TimeCode"/>).
    /// The rest script the motion scene (<c>motion</c>, <c>motion-sub</c>), in seconds from the camera process's start;
    /// null leaves the script's default (a walk every 20 s from 5 s, taking 3 s; no lights; noise at 0.07; no person):
    /// walk k runs over [<paramref name="walkOffset"/> + k × <paramref name="walkEvery"/>,
    /// + <paramref name="walkSeconds"/>), light k is on over [<paramref name="lightOffset"/> +
    /// k × <paramref name="lightEvery"/>, + <paramref name="lightSeconds"/>), and person k (a real photograph of a
    /// person, 60% of the picture's height, crossing it like a walk, for object detection) runs over
    /// [<paramref name="personOffset"/> + k × <paramref name="personEvery"/>, + <paramref name="personSeconds"/>)
    /// (15 s and 4 s unless given); an every of 0 means never. The camera does not keep walks and person crossings
    /// apart: schedule them so they do not overlap. The scripted times are in <see cref="Happenings"/> as they come.
    /// With <paramref name="onvif"/> it answers ONVIF on <see cref="OnvifPort"/>; with <paramref name="onvifPtz"/> as
    /// well it is a PTZ camera whose main and sub pictures are a grey wall with an orange mark that moves as it turns.
    /// </summary>
    public static async Task<FakeCamera> StartAsync(int gop = 25, string mainSize = "640x360", string subSize = "320x180", string? user = null,
        string? password = null, int mainKbps = 1000, bool timeCode = false, double? walkEvery = null, double? walkOffset = null,
        double? walkSeconds = null, double? lightEvery = null, double? lightOffset = null, double? lightSeconds = null,
        bool noisyPatch = true, double? noiseAlpha = null, double? personEvery = null, double? personOffset = null,
        double? personSeconds = null, bool onvif = false, double onvifClockOffset = 0, string? onvifMainMount = null, string? onvifSubMount = null,
        bool onvifPtz = false, NetworkNamespace? inside = null)
    {
        List<string> options =
        [
            "--address", inside?.Address ?? "127.0.0.1",
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

        AddSeconds(options, "--walk-every", walkEvery);
        AddSeconds(options, "--walk-offset", walkOffset);
        AddSeconds(options, "--walk-seconds", walkSeconds);
        AddSeconds(options, "--light-every", lightEvery);
        AddSeconds(options, "--light-offset", lightOffset);
        AddSeconds(options, "--light-seconds", lightSeconds);
        AddSeconds(options, "--noise-alpha", noiseAlpha);
        AddSeconds(options, "--person-every", personEvery);
        AddSeconds(options, "--person-offset", personOffset);
        AddSeconds(options, "--person-seconds", personSeconds);
        if (!noisyPatch)
        {
            options.Add("--no-noisy-patch");
        }

        int? onvifPort = onvif ? FreePort.Next() : null;
        if (onvifPort is { } port)
        {
            options.AddRange(["--onvif-port", port.ToString(CultureInfo.InvariantCulture)]);
            AddSeconds(options, "--onvif-clock-offset", onvifClockOffset);
            options.AddRange(["--onvif-main-mount", onvifMainMount ?? "main", "--onvif-sub-mount", onvifSubMount ?? "sub"]);
            if (onvifPtz)
            {
                options.Add("--onvif-ptz");
            }
        }

        var camera = new FakeCamera(FreePort.Next(), [.. options]) { OnvifPort = onvifPort, Inside = inside };
        await camera.StartProcessAsync();
        return camera;
    }

    // Shortest round-trip form, invariant: what Python's float() reads back as the same number.
    private static void AddSeconds(List<string> options, string name, double? value)
    {
        if (value is { } number)
        {
            options.AddRange([name, number.ToString(CultureInfo.InvariantCulture)]);
        }
    }

    /// <summary>
    /// Waits until the running camera process has announced <paramref name="kind"/> (<see cref="SceneHappening.Walk"/>,
    /// <see cref="SceneHappening.Person"/>, <see cref="SceneHappening.LightOn"/>, <see cref="SceneHappening.LightOff"/>)
    /// number <paramref name="number"/>, and returns it at once if it already has. Only the running process counts,
    /// because numbering starts again at 0 in a restarted camera: an earlier process's walk 0 is not the one a test
    /// after a restart waits for.
    /// </summary>
    public async Task<SceneHappening> WaitForHappeningAsync(string kind, int number, TimeSpan timeout)
    {
        using var expiry = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (happenings)
            {
                for (var i = currentFirst; i < happenings.Count; i++)
                {
                    if (happenings[i].Number == number && string.Equals(happenings[i].Kind, kind, StringComparison.Ordinal))
                    {
                        return happenings[i];
                    }
                }

                next = announced.Task;
            }

            try
            {
                await next.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException) when (expiry.IsCancellationRequested)
            {
                string announcedSoFar;
                lock (happenings)
                {
                    announcedSoFar = string.Join(", ", happenings.Skip(currentFirst)
                        .Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Kind} {h.Number}")));
                }

                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"The fake camera did not announce {kind} {number} within {timeout.TotalSeconds} s " +
                    $"(this process announced: {(announcedSoFar.Length == 0 ? "nothing" : announcedSoFar)})."));
            }
        }
    }

    /// <summary>Starts the camera again on the same port after <see cref="KillAsync"/>.</summary>
    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(Inside is null ? "/usr/bin/python3" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Inside is not null)
        {
            // ip execs the camera in the namespace, so the process is the camera's own (and is killed as such).
            foreach (var arg in new[] { "netns", "exec", Inside.Name, "/usr/bin/python3" })
            {
                start.ArgumentList.Add(arg);
            }
        }

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
                lock (happenings)
                {
                    currentFirst = happenings.Count;
                }

                process = started;
                // Read to the end whether or not a test looks: the camera writes a line per happening, and a pipe
                // nobody empties fills up and then blocks the camera's main loop, and with it every RTSP session.
                outputReader = ReadHappeningsAsync(started.StandardOutput);
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

    private async Task ReadHappeningsAsync(StreamReader output)
    {
        try
        {
            while (await output.ReadLineAsync() is { } line)
            {
                if (ParseHappening(line) is { } happening)
                {
                    TaskCompletionSource woken;
                    lock (happenings)
                    {
                        happenings.Add(happening);
                        woken = announced;
                        announced = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    woken.SetResult();
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The process is gone: there is nothing more to read.
        }
    }

    /// <summary>
    /// "walk k start end", "person k start end", "light-on k time", "light-off k time" (Unix seconds); null for any other
    /// line.
    /// </summary>
    private static SceneHappening? ParseHappening(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length < 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        return parts[0] switch
        {
            SceneHappening.Walk or SceneHappening.Person when parts.Length == 4 && UnixSeconds(parts[2]) is { } start &&
                UnixSeconds(parts[3]) is { } end => new SceneHappening(parts[0], number, start, end),
            SceneHappening.LightOn or SceneHappening.LightOff when parts.Length == 3 && UnixSeconds(parts[2]) is { } at =>
                new SceneHappening(parts[0], number, at, at),
            _ => null,
        };
    }

    // Decimal, not double: the camera's three decimals are whole milliseconds, and stay so.
    private static DateTimeOffset? UnixSeconds(string text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Round(seconds * 1000))
            : null;

    /// <summary>SIGKILL: the camera vanishes mid-stream, as when it loses power.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        if (outputReader is not null)
        {
            // The dead process's last lines are in before a restart adds the next one's (its pipe ends at its death;
            // the bound only guards against something else holding the pipe open).
            await Task.WhenAny(outputReader, Task.Delay(TimeSpan.FromSeconds(5)));
            outputReader = null;
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
