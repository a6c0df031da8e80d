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
        Assert.NotNull(CameraRules.Check(Form with { StreamUrl = url }, [], null).Settings);

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
        var outcome = CameraRules.Check(Form with { StreamUrl = url }, [], null);
        Assert.Null(outcome.Settings);
        Assert.Contains(reason, outcome.Errors[CameraField.StreamUrl], StringComparison.Ordinal);
    }

    [Fact]
    public void AUrlOf10Kilobytes_IsRefused() =>
        Assert.Equal("Use at most 1024 characters.",
            CameraRules.Check(Form with { StreamUrl = "rtsp://192.168.1.64/" + new string('a', 10240) }, [], null).Errors[CameraField.StreamUrl]);

    [Fact]
    public void CredentialsInTheUrl_MoveIntoTheirFields_AndOutOfTheUrl()
    {
        var outcome = CameraRules.Check(Form with { StreamUrl = "rtsp://admin:p%40ss%20w0rd@192.168.1.64/stream1", SubStreamUrl = "rtsp://192.168.1.64/stream2" }, [], null);

        Assert.Equal(new Uri("rtsp://192.168.1.64/stream1"), outcome.Settings!.StreamUrl);
        Assert.Equal(("admin", "p@ss w0rd"), (outcome.Settings.UserName, outcome.Settings.Password));
        Assert.Equal(("rtsp://192.168.1.64/stream1", "admin", "p@ss w0rd"), (outcome.Form.StreamUrl, outcome.Form.UserName, outcome.Form.Password));
    }

    [Fact]
    public void DifferentCredentialsInTheTwoUrls_AreRefused() =>
        Assert.Contains("one user name and password", CameraRules.Check(
            Form with { StreamUrl = "rtsp://a:1@192.168.1.64/s1", SubStreamUrl = "rtsp://b:2@192.168.1.64/s2" }, [], null).Errors[CameraField.SubStreamUrl],
            StringComparison.Ordinal);

    [Theory]
    [InlineData("", "Enter a name")]
    [InlineData("Porch", "Another camera has this name.")]
    [InlineData("pORCH ", "Another camera has this name.")]
    [InlineData("Front\u202EDoor", "invisible")]
    public void Names_MustBeThereVisibleAndTellCamerasApart(string name, string reason) =>
        Assert.Contains(reason, CameraRules.Check(Form with { Name = name }, ["Porch"], null).Errors[CameraField.Name], StringComparison.Ordinal);

    [Fact]
    public void ANameIsCountedAsAPersonSeesIt() =>
        Assert.NotNull(CameraRules.Check(Form with { Name = string.Concat(Enumerable.Repeat("😀", 40)) }, [], null).Settings);

    [Fact]
    public void AnEmptyPasswordOnAnEditKeepsTheSavedOne_AndOnAnAddMeansNone()
    {
        Assert.Null(CameraRules.Check(Form, [], Saved(Form.StreamUrl)).Settings!.Password);
        Assert.Equal("", CameraRules.Check(Form, [], editing: null).Settings!.Password);
    }

    [Theory]
    [InlineData("rtsp://192.168.1.64/Streaming/Channels/102")]
    [InlineData("rtsp://192.168.1.64:554/Streaming/Channels/101")]
    [InlineData("RTSP://192.168.1.64/Streaming/Channels/101?profile=2")]
    public void TheSavedPassword_IsKeptWhileTheAddressStaysTheSame(string url) =>
        Assert.Null(CameraRules.Check(Form with { StreamUrl = url, UserName = "camuser" }, [], Saved("rtsp://192.168.1.64/Streaming/Channels/101")).Settings!.Password);

    [Theory]
    [InlineData("rtsp://192.168.1.99/Streaming/Channels/101", "")]
    [InlineData("rtsp://attacker.example/Streaming/Channels/101", "")]
    [InlineData("rtsp://192.168.1.64:8554/Streaming/Channels/101", "")]
    [InlineData("rtsps://192.168.1.64/Streaming/Channels/101", "")]
    [InlineData("rtsp://192.168.1.64/Streaming/Channels/101", "rtsp://192.168.1.99/Streaming/Channels/102")]
    public void ANewAddress_AsksForThePasswordAgain_SayingWhy(string url, string subUrl)
    {
        var outcome = CameraRules.Check(Form with { StreamUrl = url, SubStreamUrl = subUrl, UserName = "camuser" }, [],
            Saved("rtsp://192.168.1.64/Streaming/Channels/101"));

        Assert.Null(outcome.Settings);
        Assert.StartsWith("Enter the password again: the address changed", outcome.Errors[CameraField.Password], StringComparison.Ordinal);
    }

    [Fact]
    public void ANewAddress_WithThePasswordTypedAgain_OrWithNoLoginAtAll_IsSaved()
    {
        var saved = Saved("rtsp://192.168.1.64/Streaming/Channels/101");

        Assert.Equal("typed-again", CameraRules.Check(Form with { StreamUrl = "rtsp://192.168.1.99/s", UserName = "camuser", Password = "typed-again" }, [], saved)
            .Settings!.Password);
        Assert.Equal("", CameraRules.Check(Form with { StreamUrl = "rtsp://192.168.1.99/s" }, [], saved).Settings!.Password); // the saved one goes
    }

    [Theory]
    [InlineData("?channel=1&user=admin&password=Secret123", "?channel=1&user=&password=")]
    [InlineData("?USR=admin&PWD=Secret123&subtype=0", "?USR=&PWD=&subtype=0")]
    [InlineData("?username=admin&pass=Secret123", "?username=&pass=")]
    [InlineData("?Passwd=Secret123&UserName=admin", "?Passwd=&UserName=")]
    [InlineData("?user=admin&pass%77ord=Secret123", "?user=&password=")] // .NET decodes %77: "w"
    public void CredentialsInTheQuery_MoveIntoTheirFields_AndTheUrlKeepsThemEmpty(string query, string shownQuery)
    {
        var outcome = CameraRules.Check(Form with { StreamUrl = "rtsp://192.168.1.64/live" + query }, [], null);

        Assert.Equal(("admin", "Secret123"), (outcome.Settings!.UserName, outcome.Settings.Password));
        Assert.Equal("rtsp://192.168.1.64/live" + shownQuery, outcome.Settings.StreamUrl.AbsoluteUri);
        Assert.Equal(("rtsp://192.168.1.64/live" + shownQuery, "admin", "Secret123"), (outcome.Form.StreamUrl, outcome.Form.UserName, outcome.Form.Password));
    }

    [Theory]
    [InlineData("rtsp://admin:one@192.168.1.64/live?password=two")]
    [InlineData("rtsp://192.168.1.64/live?user=admin&user=root")]
    [InlineData("rtsp://192.168.1.64/live?pwd=one&password=two")]
    public void TwoDifferentCredentialsInOneUrl_AreRefused(string url) =>
        Assert.Contains("two different user names or passwords", CameraRules.Check(Form with { StreamUrl = url }, [], null).Errors[CameraField.StreamUrl],
            StringComparison.Ordinal);

    [Fact]
    public void AQueryPasswordWithAnEncodedInvisibleCharacter_IsRefusedWithAReason() =>
        Assert.Contains("control or invisible", CameraRules.Check(Form with { StreamUrl = "rtsp://192.168.1.64/live?password=a%E2%80%AEb" }, [], null)
            .Errors[CameraField.StreamUrl], StringComparison.Ordinal);

    [Theory]
    [InlineData("?")]
    [InlineData("?&&")]
    [InlineData("?=")]
    [InlineData("?password")]
    [InlineData("?password=&user=")]
    [InlineData("?password==x&pwd==x")]
    [InlineData("?user=%C3%A9&password=%25")]
    [InlineData("?PASS=a&pass=a&PaSsWd=a")]
    public void OddQueries_GiveSettingsOrAMessage_NeverAnException(string query)
    {
        var outcome = CameraRules.Check(Form with { StreamUrl = "rtsp://192.168.1.64/live" + query }, [], null);

        Assert.True(outcome.Settings is not null ^ outcome.Errors.Count > 0);
        Assert.DoesNotContain("=x", outcome.Form.StreamUrl, StringComparison.Ordinal);
    }

    private static CameraEntry Saved(string url) =>
        new("cam-1", 1, "Porch", new Uri(url), null, "camuser", HasPassword: true, Enabled: true, FromConfiguration: false, Nightjar.Recording.Motion.MotionSettings.Default);

    [Theory]
    [InlineData("http://192.168.1.64/onvif/device_service", true)]
    [InlineData("http://192.168.1.64:8000/onvif/device_service", true)]
    [InlineData("http://192.168.1.99/onvif/device_service", false)] // another host than the stream's: the password would go there
    [InlineData("http://admin:pw@192.168.1.64/onvif/device_service", false)]
    [InlineData("ftp://192.168.1.64/onvif/device_service", false)]
    public void TheOnvifAddress_IsKept_OnlyOnTheStreamsOwnHost(string onvif, bool kept)
    {
        var settings = CameraRules.Check(Form with { OnvifAddress = new Uri(onvif) }, [], null).Settings!;

        Assert.Equal(kept ? new Uri(onvif) : null, settings.OnvifAddress);
    }
}
