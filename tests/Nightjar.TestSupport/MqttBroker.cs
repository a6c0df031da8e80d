using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Nightjar.TestSupport;

/// <summary>
/// A real MQTT broker for a test: Debian's mosquitto on 127.0.0.1 and a free port, with its own config, password file
/// (when a user is given) and persistence in a temporary folder. It can be stopped and started again on the same port,
/// keeping its persistent sessions, as a broker that restarts does.
/// </summary>
public sealed class MqttBroker : IAsyncDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "nightjar-mqtt-" + Guid.NewGuid().ToString("N"));
    private Process? process;

    private MqttBroker(int port) => Port = port;

    public int Port { get; }

    public static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";

    public static async Task<MqttBroker> StartAsync(string? user = null, string? password = null)
    {
        var broker = new MqttBroker(FreePort.Next());
        Directory.CreateDirectory(broker.folder);
        var config = new List<string>
        {
            $"listener {broker.Port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            "persistence true",
            $"persistence_location {broker.folder}/",
            "log_dest stderr",
        };
        if (user is null)
        {
            config.Add("allow_anonymous true");
        }
        else
        {
            var passwords = Path.Combine(broker.folder, "passwords");
            using (var make = Process.Start("mosquitto_passwd", ["-b", "-c", passwords, user, password ?? ""]))
            {
                await make.WaitForExitAsync();
            }

            config.Add("allow_anonymous false");
            config.Add($"password_file {passwords}");
        }

        await File.WriteAllLinesAsync(Path.Combine(broker.folder, "mosquitto.conf"), config);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Stops the broker (SIGTERM: it saves its sessions, as a broker being restarted does).</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        process?.Dispose();
        process = null;
    }

    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Path.Combine(folder, "mosquitto.conf"));
            var started = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start.");
            started.ErrorDataReceived += (_, _) => { };
            started.OutputDataReceived += (_, _) => { };
            started.BeginErrorReadLine();
            started.BeginOutputReadLine();
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(10) && !started.HasExited)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync("127.0.0.1", Port);
                    process = started;
                    return;
                }
                catch (SocketException)
                {
                    await Task.Delay(50);
                }
            }

            started.Kill();
            started.Dispose();
            if (attempt >= 10)
            {
                throw new InvalidOperationException($"mosquitto did not listen on 127.0.0.1:{Port}.");
            }

            await Task.Delay(300); // the port of a broker stopped a moment ago may still be held
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
