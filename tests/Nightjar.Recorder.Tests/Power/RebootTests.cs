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
