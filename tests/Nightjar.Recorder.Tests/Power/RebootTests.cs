using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Power;
using Nightjar.Recorder.Setup;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Power;

public class RebootTests
{
    [Fact]
    public async Task Reboot_StartsANewHost_WithANewBootId_AndKeepsTheData()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        var device = await recorder.Get<RecorderIdentityStore>().GetAsync();
        var before = await recorder.WaitUntilHealthyAsync();

        Assert.True(await recorder.Get<PowerControl>().RequestAsync(PowerAction.Reboot, "test"));
        var after = await recorder.WaitUntilHealthyAsync(notBootId: before.BootId);

        Assert.NotEqual(before.BootId, after.BootId);
        Assert.Equal(device.DeviceId, (await recorder.Get<RecorderIdentityStore>().GetAsync()).DeviceId);
        Assert.True(await recorder.Get<FirstBootSetup>().IsCompleteAsync());
        Assert.False(recorder.Exit.IsCompleted);
    }

    [Fact]
    public async Task AfterAReboot_TheOldAntiforgeryCookie_IsNotReadButDeleted()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        using var console = recorder.CreateConsoleClient();
        var before = await recorder.WaitUntilHealthyAsync();
        var first = await console.GetAsync("/?login=open");
        var oldName = AntiforgeryCookieName(first) ?? throw new InvalidOperationException("No antiforgery cookie was set.");

        Assert.True(await recorder.Get<PowerControl>().RequestAsync(PowerAction.Reboot, "test"));
        await recorder.WaitUntilHealthyAsync(notBootId: before.BootId);
        var again = await console.GetAsync("/?login=open");

        Assert.Equal(System.Net.HttpStatusCode.OK, again.StatusCode);
        var cookies = again.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith(oldName + "=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual(oldName, AntiforgeryCookieName(again));
        Assert.NotNull(AntiforgeryCookieName(again));
    }

    private static string? AntiforgeryCookieName(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split('=', 2)[0]).FirstOrDefault(n => n.StartsWith("nightjar.af.", StringComparison.Ordinal) && !cookies.Any(c => c.StartsWith(n + "=;", StringComparison.Ordinal)))
            : null;

    [Fact]
    public async Task Reboot_InExitMode_ExitsWithTheSupervisorCode()
    {
        await using var recorder = await TestRecorder.StartAsync("--Nightjar:Power:RestartMode=Exit");

        await recorder.Get<PowerControl>().RequestAsync(PowerAction.Reboot, "test");

        Assert.Equal(PowerControl.RebootExitCode, await recorder.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ShutDown_ExitsWithZero()
    {
        await using var recorder = await TestRecorder.StartAsync();

        await recorder.Get<PowerControl>().RequestAsync(PowerAction.ShutDown, "test");

        Assert.Equal(0, await recorder.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task SecondRequest_WhileOneIsUnderWay_IsRefused()
    {
        await using var recorder = await TestRecorder.StartAsync();
        var power = recorder.Get<PowerControl>();

        Assert.True(await power.RequestAsync(PowerAction.Reboot, "first"));
        Assert.False(await power.RequestAsync(PowerAction.ShutDown, "second"));
    }
}
