using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Nightjar.TestSupport;

/// <summary>
/// A network namespace a test makes for itself (root): its own loopback and one end of a veth pair with a private
/// address, the other end in the namespace it was <see cref="PairAsync">paired</see> with. Multicast (WS-Discovery)
/// goes between the two and nowhere else: no test probes from the machine's own networks.
/// </summary>
public sealed partial class NetworkNamespace : IAsyncDisposable
{
    private const int NewNetworkNamespace = 0x40000000; // CLONE_NEWNET

    private NetworkNamespace(string name, string address)
    {
        Name = name;
        Address = address;
    }

    public string Name { get; }

    /// <summary>Its address on the veth pair (a /24 of 10.213.x.0 shared with its pair).</summary>
    public string Address { get; }

    public static bool CanMake => Environment.UserName == "root";

    public const string NeedsRoot = "Needs root, to make network namespaces and a veth pair (ip netns).";

    /// <summary>iproute2's <c>ip</c>, which also runs a program inside a namespace (<c>ip netns exec</c>).</summary>
    public static string Ip => File.Exists("/usr/sbin/ip") ? "/usr/sbin/ip" : "ip";

    /// <summary>Two namespaces joined by a veth pair: .1 in the first, .2 in the second.</summary>
    public static async Task<(NetworkNamespace First, NetworkNamespace Second)> PairAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var subnet = $"10.213.{Random.Shared.Next(1, 250)}";
        var first = new NetworkNamespace($"nj-a-{tag}", $"{subnet}.1");
        var second = new NetworkNamespace($"nj-b-{tag}", $"{subnet}.2");
        string[][] commands =
        [
            ["netns", "add", first.Name],
            ["netns", "add", second.Name],
            ["link", "add", $"nja{tag}", "type", "veth", "peer", "name", $"njb{tag}"],
            ["link", "set", $"nja{tag}", "netns", first.Name],
            ["link", "set", $"njb{tag}", "netns", second.Name],
            ["-n", first.Name, "addr", "add", $"{first.Address}/24", "dev", $"nja{tag}"],
            ["-n", second.Name, "addr", "add", $"{second.Address}/24", "dev", $"njb{tag}"],
            ["-n", first.Name, "link", "set", "lo", "up"],
            ["-n", second.Name, "link", "set", "lo", "up"],
            ["-n", first.Name, "link", "set", $"nja{tag}", "up", "multicast", "on"],
            ["-n", second.Name, "link", "set", $"njb{tag}", "up", "multicast", "on"],
        ];
        try
        {
            foreach (var command in commands)
            {
                await IpAsync(command);
            }
        }
        catch
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            throw;
        }

        return (first, second);
    }

    /// <summary>
    /// Calls <paramref name="start"/> on a thread of its own moved into this namespace, and returns what it returns: every
    /// socket <paramref name="start"/> opens before its first wait is this namespace's, and stays so.
    /// </summary>
    public Task<T> RunInsideAsync<T>(Func<Task<T>> start)
    {
        var started = new TaskCompletionSource<Task<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{Name}");
                if (SetNamespace((int)handle.DangerousGetHandle(), NewNetworkNamespace) != 0)
                {
                    throw new InvalidOperationException($"setns into {Name} failed: errno {Marshal.GetLastPInvokeError()}.");
                }

                started.SetResult(start());
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        });
        thread.Start();
        return started.Task.Unwrap();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await IpAsync(["netns", "delete", Name]); // its end of the veth pair goes with it
        }
        catch (InvalidOperationException)
        {
            // Never made, or already gone.
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int type);

    private static async Task IpAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(Ip) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {errors.Trim()}");
        }
    }
}
