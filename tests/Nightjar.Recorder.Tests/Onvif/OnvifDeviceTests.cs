using Nightjar.Recorder.Onvif;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Onvif;

/// <summary>
/// The ONVIF client against the fake camera's own ONVIF services (real HTTP, the WS-Security digest checked against the
/// camera's clock): what it is, where its services are, its profiles and their stream addresses, a clock far off, and
/// a wrong password said plainly.
/// </summary>
public sealed class OnvifDeviceTests
{
    private static readonly OnvifCredentials Login = new("onvifuser", "Onvif-Secret-31");

    private static OnvifDevice Device(HttpClient http, FakeCamera camera, OnvifCredentials? credentials) =>
        new(new OnvifSoap(http, TimeProvider.System), camera.OnvifDeviceService, credentials);

    [Fact]
    public async Task AFoundCamera_SaysWhatItIs_AndItsLargestAndSmallestProfilesAreItsMainAndSubStreams()
    {
        await using var camera = await FakeCamera.StartAsync(user: Login.UserName, password: Login.Password, onvif: true);
        using var http = OnvifSoap.CreateHttpClient();
        var device = Device(http, camera, Login);

        var offset = await device.ReadClockAsync(TimeProvider.System);
        var info = await device.GetDeviceInformationAsync();
        var services = await device.GetServicesAsync();
        var profiles = await device.GetProfilesAsync(services);
        var largest = profiles.MaxBy(p => p.Pixels)!;
        var smallest = profiles.MinBy(p => p.Pixels)!;

        Assert.InRange(offset.TotalSeconds, -2, 2);
        Assert.Equal(("Nightjar Test", "Fake Camera"), (info.Manufacturer, info.Model));
        Assert.Equal(new Uri($"http://127.0.0.1:{camera.OnvifPort}/onvif/media_service"), services.Media);
        Assert.Null(services.Media2);
        Assert.Equal(("H264", 640, 360), (largest.Encoding, largest.Width, largest.Height));
        Assert.Equal((320, 180), (smallest.Width, smallest.Height));
        Assert.Equal(camera.Url("main"), await device.GetStreamUriAsync(services, largest));
        Assert.Equal(camera.Url("sub"), await device.GetStreamUriAsync(services, smallest));
    }

    [Fact]
    public async Task ACameraWhoseClockIsAnHourOff_RefusesADigestInTheBoxsTime_AndTakesOneInItsOwn()
    {
        await using var camera = await FakeCamera.StartAsync(user: Login.UserName, password: Login.Password, onvif: true, onvifClockOffset: 3600);
        using var http = OnvifSoap.CreateHttpClient();
        var device = Device(http, camera, Login);

        var before = await Assert.ThrowsAsync<OnvifException>(() => device.GetDeviceInformationAsync());
        var offset = await device.ReadClockAsync(TimeProvider.System);
        var info = await device.GetDeviceInformationAsync();

        Assert.True(before.WrongCredentials); // a stale digest looks like a wrong password to the camera
        Assert.InRange(offset.TotalSeconds, 3598, 3602);
        Assert.Equal("Fake Camera", info.Model);
    }

    [Fact]
    public async Task AWrongPassword_IsSaidPlainly()
    {
        await using var camera = await FakeCamera.StartAsync(user: Login.UserName, password: Login.Password, onvif: true);
        using var http = OnvifSoap.CreateHttpClient();
        var device = Device(http, camera, Login with { Password = "not-it" });
        await device.ReadClockAsync(TimeProvider.System);

        var refused = await Assert.ThrowsAsync<OnvifException>(() => device.GetDeviceInformationAsync());

        Assert.True(refused.WrongCredentials);
        Assert.Equal("The camera refused the user name or password.", refused.Message);
    }

    [Fact]
    public async Task ACameraWhoseClockIsAnHourOff_IsSetToTheBoxsTime()
    {
        await using var camera = await FakeCamera.StartAsync(user: Login.UserName, password: Login.Password, onvif: true, onvifClockOffset: -3600);
        using var http = OnvifSoap.CreateHttpClient();
        using var finder = new OnvifCameraFinder(new OnvifDiscovery(TimeProvider.System, []), TimeProvider.System);

        var before = await Device(http, camera, null).ReadClockAsync(TimeProvider.System);
        var after = await finder.SetClockAsync(camera.OnvifDeviceService, Login);

        Assert.InRange(before.TotalSeconds, -3602, -3598);
        Assert.InRange(after.TotalSeconds, -2, 2);
    }

    [Fact]
    public async Task APtzCamera_MovesWhileTold_StopsWhenTold_AndGoesToAPreset()
    {
        await using var camera = await FakeCamera.StartAsync(user: Login.UserName, password: Login.Password, onvif: true, onvifPtz: true);
        using var http = OnvifSoap.CreateHttpClient();
        var device = Device(http, camera, Login);
        var services = await device.GetServicesAsync();
        var main = (await device.GetProfilesAsync(services)).MaxBy(p => p.Pixels)!;

        await device.ContinuousMoveAsync(services, main, new PtzVelocity(1, 0, 0), TimeSpan.FromSeconds(10));
        await Task.Delay(500);
        await device.StopAsync(services, main);
        var stopped = await PanAsync(http, camera);
        await Task.Delay(500);
        var stillAfter = await PanAsync(http, camera);
        var presets = await device.GetPresetsAsync(services, main);
        await device.GotoPresetAsync(services, main, presets.Single(p => p.Name == "Door"));

        Assert.Equal(new Uri($"http://127.0.0.1:{camera.OnvifPort}/onvif/ptz_service"), services.Ptz);
        Assert.True(main.CanMove);
        Assert.InRange(stopped, 0.1, 0.6); // full speed crosses the range of 2 in 4 s: 0.25 in half a second, give or take the requests
        Assert.Equal(stopped, stillAfter, 3);
        Assert.Equal(["Door", "Gate"], presets.Select(p => p.Name));
        Assert.Equal(-0.6, await PanAsync(http, camera), 3);
    }

    [Fact]
    public async Task AHoldReleasedBeforeTheCameraAnswers_EndsWithAStop_AndNoError()
    {
        await using var camera = await FakeCamera.StartAsync(user: Login.UserName, password: Login.Password, onvif: true, onvifPtz: true);
        using var http = OnvifSoap.CreateHttpClient();
        var device = Device(http, camera, Login);
        var services = await device.GetServicesAsync();
        var main = (await device.GetProfilesAsync(services)).MaxBy(p => p.Pixels)!;
        await using var ptz = new PtzCamera(device, services, main, [], TimeProvider.System);

        var hold = ptz.HoldAsync(new PtzVelocity(1, 0, 0)); // a click: the release comes while the move is on its way
        await ptz.ReleaseAsync();
        await hold;
        var released = await PanAsync(http, camera);
        await Task.Delay(1000);

        Assert.Equal(released, await PanAsync(http, camera), 3);
    }

    [Fact]
    public async Task ACameraWithoutPtz_HasNoPtzService_AndNoProfileThatMoves()
    {
        await using var camera = await FakeCamera.StartAsync(onvif: true);
        using var http = OnvifSoap.CreateHttpClient();
        var device = Device(http, camera, null);
        var services = await device.GetServicesAsync();

        Assert.Null(services.Ptz);
        Assert.DoesNotContain(await device.GetProfilesAsync(services), p => p.CanMove);
        var refused = await Assert.ThrowsAsync<OnvifException>(() => device.StopAsync(services, new OnvifProfile("profile_main", "main", "H264", 640, 360)));
        Assert.Equal("The camera cannot be moved (it has no PTZ service).", refused.Message);
    }

    /// <summary>The fake camera's pan as its own GetStatus says (the client has no use for GetStatus; the test reads it to check).</summary>
    private static async Task<double> PanAsync(HttpClient http, FakeCamera camera)
    {
        var ptz = System.Xml.Linq.XNamespace.Get("http://www.onvif.org/ver20/ptz/wsdl");
        var body = await new OnvifSoap(http, TimeProvider.System).CallAsync(new Uri($"http://127.0.0.1:{camera.OnvifPort}/onvif/ptz_service"),
            new System.Xml.Linq.XElement(ptz + "GetStatus", new System.Xml.Linq.XElement(ptz + "ProfileToken", "profile_main")), Login, TimeSpan.Zero);
        var panTilt = body.Descendants().First(e => e.Name.LocalName == "PanTilt");
        return double.Parse(panTilt.Attribute("x")!.Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
