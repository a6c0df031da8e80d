using Nightjar.Recorder.Cameras;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Cameras;

/// <summary>What the camera dialog's Test says, against the fake camera over real RTSP.</summary>
public sealed class CameraTestWordsTests
{
    [Fact]
    public async Task Test_TriesACameraNotYetNamed_AndSaysAnH265CameraCannotBeShownLiveHere()
    {
        await using var camera = await FakeCamera.StartAsync();
        await using var harness = await CameraHarness.StartAsync();

        var unnamed = await harness.Catalog.TestAsync(null, new CameraForm("", camera.Url("main").AbsoluteUri, "", "", ""), CancellationToken.None);
        var hevc = await harness.Catalog.TestAsync(null, new CameraForm("Drive", camera.Url("h265").AbsoluteUri, "", "", ""), CancellationToken.None);

        Assert.Empty(unnamed.Errors);
        Assert.Equal("", unnamed.Form.Name); // what was typed stays; Save asks for the name
        Assert.StartsWith("H.264 ", unnamed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot show", unnamed.Text, StringComparison.Ordinal);
        Assert.StartsWith("H.265 ", hevc.Text, StringComparison.Ordinal);
        Assert.Contains("this screen cannot show H.265 live", hevc.Text, StringComparison.Ordinal);
    }
}
