using Nightjar.Recorder.Cameras;
using Xunit;

namespace Nightjar.Recorder.Tests.Cameras;

public sealed class CameraRulesTests
{
    private static readonly CameraForm Form = new("Porch", "rtsp://192.168.1.64:554/Streaming/Channels/101", "", "", "");

    [Theory]
    [InlineData("rtsp://192.168.1.64:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1")]
    [InlineData("rtsps://camera.local:322/stream1")]
    [InlineData("rtsp://[fe80::1]:8554/live")]
    [InlineData("RTSP://192.168.1.64/h264Preview_01_main")]
    [InlineData("  rtsp://192.168.1.64/stream1\n")]
    public void StreamUrlsCamerasUse_AreAccepted(string url) =>
        Assert.NotNull(CameraRules.Check(Form with { StreamUrl = url }, [], false).Settings);

    [Theory]
    [InlineData("file:///etc/passwd", "Only rtsp:// and rtsps://")]
    [InlineData("concat:rtsp://a|file:///etc/shadow", "Only rtsp:// and rtsps://")]
    [InlineData("http://192.168.1.64/video.cgi", "Only rtsp:// and rtsps://")]
    [InlineData("-ifile:/etc/passwd", "Only rtsp:// and rtsps://")]
    [InlineData("rtsp://192.168.1.64/stream 1", "cannot contain spaces")]
    [InlineData("rtsp://192.168.1.64/a\nfile:///etc/passwd", "cannot contain spaces, line breaks")]
    [InlineData("rtsp://192.168.1.64/x|id", "characters a URL cannot")]
    [InlineData("rtsp://192.168.1.64/%0d%0aSetup:", "encoded line break")]
    [InlineData("rtsp://192.168.1.64/#frag", "cannot contain '#'")]
    [InlineData("rtsp:///stream1", "address after rtsp://")]
    [InlineData("rtsp://192.168.1.64:0/x", "port number")]
    [InlineData("", "Enter the camera's stream URL")]
    public void OtherStreamUrls_AreRefusedWithAReason(string url, string reason)
    {
        var outcome = CameraRules.Check(Form with { StreamUrl = url }, [], false);
        Assert.Null(outcome.Settings);
        Assert.Contains(reason, outcome.Errors[CameraField.StreamUrl], StringComparison.Ordinal);
    }

    [Fact]
    public void AUrlOf10Kilobytes_IsRefused() =>
        Assert.Equal("Use at most 1024 characters.",
            CameraRules.Check(Form with { StreamUrl = "rtsp://192.168.1.64/" + new string('a', 10240) }, [], false).Errors[CameraField.StreamUrl]);

    [Fact]
    public void CredentialsInTheUrl_MoveIntoTheirFields_AndOutOfTheUrl()
    {
        var outcome = CameraRules.Check(Form with { StreamUrl = "rtsp://admin:p%40ss%20w0rd@192.168.1.64/stream1", SubStreamUrl = "rtsp://192.168.1.64/stream2" }, [], false);

        Assert.Equal(new Uri("rtsp://192.168.1.64/stream1"), outcome.Settings!.StreamUrl);
        Assert.Equal(("admin", "p@ss w0rd"), (outcome.Settings.UserName, outcome.Settings.Password));
        Assert.Equal(("rtsp://192.168.1.64/stream1", "admin", "p@ss w0rd"), (outcome.Form.StreamUrl, outcome.Form.UserName, outcome.Form.Password));
    }

    [Fact]
    public void DifferentCredentialsInTheTwoUrls_AreRefused() =>
        Assert.Contains("one user name and password", CameraRules.Check(
            Form with { StreamUrl = "rtsp://a:1@192.168.1.64/s1", SubStreamUrl = "rtsp://b:2@192.168.1.64/s2" }, [], false).Errors[CameraField.SubStreamUrl],
            StringComparison.Ordinal);

    [Theory]
    [InlineData("", "Enter a name")]
    [InlineData("Porch", "Another camera has this name.")]
    [InlineData("pORCH ", "Another camera has this name.")]
    [InlineData("Front\u202EDoor", "invisible")]
    public void Names_MustBeThereVisibleAndTellCamerasApart(string name, string reason) =>
        Assert.Contains(reason, CameraRules.Check(Form with { Name = name }, ["Porch"], false).Errors[CameraField.Name], StringComparison.Ordinal);

    [Fact]
    public void ANameIsCountedAsAPersonSeesIt() =>
        Assert.NotNull(CameraRules.Check(Form with { Name = string.Concat(Enumerable.Repeat("😀", 40)) }, [], false).Settings);

    [Fact]
    public void AnEmptyPasswordOnAnEditKeepsTheSavedOne_AndOnAnAddMeansNone()
    {
        Assert.Null(CameraRules.Check(Form, [], hasSavedPassword: true).Settings!.Password);
        Assert.Equal("", CameraRules.Check(Form, [], hasSavedPassword: false).Settings!.Password);
    }
}
