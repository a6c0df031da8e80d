using System.Net;
using Nightjar.Recorder.Onvif;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Onvif;

/// <summary>
/// WS-Discovery between two network namespaces the test makes (a veth pair on a private /24): the search runs on a
/// thread moved into one, the fake camera answers in the other. The machine's own networks are never probed.
/// </summary>
public sealed class OnvifDiscoveryTests
{
    [SkippableFact]
    public async Task Search_FindsTheCameraOnTheNetwork_ByMulticast_AndByItsAddress()
    {
        Skip.IfNot(NetworkNamespace.CanMake, NetworkNamespace.NeedsRoot);
        var (box, network) = await NetworkNamespace.PairAsync();
        await using var _ = box;
        await using var __ = network;
        await using var camera = await FakeCamera.StartAsync(onvif: true, inside: network);
        var discovery = new OnvifDiscovery(TimeProvider.System, []);

        var multicast = await box.RunInsideAsync(() => discovery.SearchAsync());
        var unicast = await box.RunInsideAsync(() => discovery.SearchAsync(IPAddress.Parse(network.Address)));

        var elsewhere = await box.RunInsideAsync(() => new OnvifDiscovery(TimeProvider.System, ["eth-not-here"]).SearchAsync());

        Assert.Empty(elsewhere); // Nightjar:Onvif:SearchInterfaces names the networks probed
        var found = Assert.Single(multicast);
        Assert.Equal(camera.OnvifDeviceService, found.DeviceService);
        Assert.Equal(("Nightjar Test", "Fake Camera"), (found.Maker, found.Model));
        Assert.StartsWith("urn:uuid:", found.Endpoint, StringComparison.Ordinal);
        Assert.Equal(found, Assert.Single(unicast));
    }

    [SkippableFact]
    public async Task Search_WithNothingOnTheNetwork_FindsNothing_WithinItsWait()
    {
        Skip.IfNot(NetworkNamespace.CanMake, NetworkNamespace.NeedsRoot);
        var (box, network) = await NetworkNamespace.PairAsync();
        await using var _ = box;
        await using var __ = network;
        var discovery = new OnvifDiscovery(TimeProvider.System, []);
        var waited = System.Diagnostics.Stopwatch.StartNew();

        var found = await box.RunInsideAsync(() => discovery.SearchAsync(IPAddress.Parse(network.Address)));

        Assert.Empty(found);
        Assert.InRange(waited.Elapsed, OnvifDiscovery.Wait - TimeSpan.FromMilliseconds(100), OnvifDiscovery.Wait + TimeSpan.FromSeconds(10)); // it ends: no hang
    }
}
