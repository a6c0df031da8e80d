using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Mail;
using Xunit;

namespace Nightjar.Recorder.Tests.Hosting;

public class OptionsValidationTests
{
    private static RecorderOptions Recorder(string console = "http://127.0.0.1:8080", string api = "https://0.0.0.0:8443") =>
        new() { Console = new ListenerUrl { Url = console }, Api = new ApiListenerOptions { Url = api } };

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new RecorderOptionsValidator().Validate(null, new RecorderOptions()).Succeeded);
        Assert.True(new AccountOptionsValidator().Validate(null, new AccountOptions()).Succeeded);
        Assert.True(new MailOptionsValidator().Validate(null, new MailOptions()).Succeeded);
    }

    /// <summary>The validator takes the embedded sender on trust, so that start-up need not load the mail library.</summary>
    [Fact]
    public void TheDefaultSender_IsOneValidAddress()
    {
        Assert.True(MimeKit.MailboxAddress.TryParse(MailOptions.DefaultFrom, out var sender));
        Assert.Equal("recorder@localhost", sender.Address);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://127.0.0.2:9000")]
    public void ConsoleUrl_OnLoopback_IsAccepted(string url) =>
        Assert.True(new RecorderOptionsValidator().Validate(null, Recorder(console: url)).Succeeded);

    [Theory]
    [InlineData("http://0.0.0.0:8080", "loopback")]
    [InlineData("http://192.168.1.20:8080", "loopback")]
    [InlineData("http://[::]:8080", "loopback")]
    [InlineData("http://recorder.local:8080", "IP address")]
    [InlineData("https://127.0.0.1:8080", "http://")]
    [InlineData("127.0.0.1:8080", "http://")]
    [InlineData("", "http://")]
    [InlineData("http://127.0.0.1:8080/console", "http://")]
    public void ConsoleUrl_NotLoopback_IsRefused_NamingTheKey(string url, string hint)
    {
        var result = new RecorderOptionsValidator().Validate(null, Recorder(console: url));

        Assert.True(result.Failed);
        var message = Assert.Single(result.Failures);
        Assert.StartsWith("Nightjar:Console:Url ", message, StringComparison.Ordinal);
        Assert.Contains(hint, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8443")]
    [InlineData("https://nightjar.local:8443")]
    [InlineData("nonsense")]
    public void ApiUrl_Malformed_IsRefused_NamingTheKey(string url)
    {
        var result = new RecorderOptionsValidator().Validate(null, Recorder(api: url));
        Assert.StartsWith("Nightjar:Api:Url ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void AccountOptions_OutOfRange_AreRefused_NamingTheKey()
    {
        var result = new AccountOptionsValidator().Validate(null, new AccountOptions { Argon2MemoryKiB = 1024, MaxConcurrentHashes = 0 });

        Assert.Contains(result.Failures!, f => f.StartsWith("Nightjar:Accounts:Argon2MemoryKiB", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Nightjar:Accounts:MaxConcurrentHashes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not an address", null, "Nightjar:Mail:From")]
    [InlineData("Nightjar <recorder@example.com>\r\nBcc: x@example.com", null, "Nightjar:Mail:From")]
    [InlineData("Nightjar <recorder@example.com>", "bad host name", "Nightjar:Mail:Smtp:Host")]
    public void MailOptions_Bad_AreRefused_NamingTheKey(string from, string? host, string key)
    {
        var result = new MailOptionsValidator().Validate(null, new MailOptions { From = from, Smtp = new SmtpOptions { Host = host } });
        Assert.Contains(result.Failures!, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void RecordingsOptions_OutOfRange_AreRefused_NamingTheKey()
    {
        var failures = new Nightjar.Recorder.Recordings.RecordingsOptionsValidator().Validate(null, new Nightjar.Recorder.Recordings.RecordingsOptions { MaxBytes = 1_000_000, MinFreeBytes = -1, Dir = " ", MaxKeyframeSeconds = 1 }).Failures!;

        Assert.Contains(failures, f => f.StartsWith("Nightjar:Recordings:MaxBytes must be at least 67108864", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Nightjar:Recordings:MinFreeBytes", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Nightjar:Recordings:Dir", StringComparison.Ordinal));
        Assert.Contains("Nightjar:Recordings:MaxKeyframeSeconds must be from 2 to 300 (got 1).", failures);
        Assert.True(new Nightjar.Recorder.Recordings.FfmpegOptionsValidator().Validate(null, new Nightjar.Recorder.Recordings.FfmpegOptions { Path = "" }).Failed);
    }

    [Fact]
    public async Task Process_WithARecordingsFolderItCannotUse_ExitsWithTheStorageErrorCode()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "nightjar-ro-" + Guid.NewGuid().ToString("N"));
        var blocked = Path.Combine(dataDir, "not-a-folder");
        Directory.CreateDirectory(dataDir);
        await File.WriteAllTextAsync(blocked, "a file where the recordings folder should be");
        var code = await new RecorderProcess(
        [
            $"--Nightjar:DataDir={dataDir}",
            $"--Nightjar:Recordings:Dir={blocked}",
            $"--Nightjar:Console:Url=http://127.0.0.1:{Nightjar.TestSupport.FreePort.Next()}",
            $"--Nightjar:Api:Url=https://127.0.0.1:{Nightjar.TestSupport.FreePort.Next()}",
        ]).RunAsync(CancellationToken.None);

        Assert.Equal(RecorderProcess.StorageErrorExitCode, code);
    }

    [Fact]
    public async Task Build_WithNonLoopbackConsole_StopsTheStart_NamingTheKey()
    {
        await using var recording = new Nightjar.Recorder.Recordings.RecordingRuntime();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => RecorderApp.BuildAsync(
            ["--Nightjar:Console:Url=http://0.0.0.0:8080", $"--Nightjar:DataDir={Path.GetTempPath()}/nightjar-unused"], recording));
        Assert.Contains("Nightjar:Console:Url", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1000", "Nightjar:Exports:MaxBytes must be at least 1048576 (1 MiB) (got 1000).")]
    [InlineData("-5", "Nightjar:Exports:MaxBytes must be at least 1048576 (1 MiB) (got -5).")]
    [InlineData("lots", "Nightjar:Exports:MaxBytes")]
    public async Task Build_WithABadExportsBound_StopsTheStart_NamingTheKey(string value, string expected)
    {
        await using var recording = new Nightjar.Recorder.Recordings.RecordingRuntime();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => RecorderApp.BuildAsync(
            [$"--Nightjar:Exports:MaxBytes={value}", $"--Nightjar:DataDir={Path.GetTempPath()}/nightjar-unused"], recording));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_WithBadSetting_ExitsWithTheConfigurationErrorCode()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "nightjar-bad-" + Guid.NewGuid().ToString("N"));
        var code = await new RecorderProcess(
        [
            $"--Nightjar:DataDir={dataDir}",
            $"--Nightjar:Console:Url=http://127.0.0.1:{Nightjar.TestSupport.FreePort.Next()}",
            $"--Nightjar:Api:Url=https://127.0.0.1:{Nightjar.TestSupport.FreePort.Next()}",
            "--Nightjar:Accounts:MaxConcurrentHashes=0",
        ]).RunAsync(CancellationToken.None);

        Assert.Equal(RecorderProcess.ConfigurationErrorExitCode, code);
    }

    [Theory]
    [InlineData("Sensitivity", "Extreme", "Nightjar:Cameras:0:Motion:Sensitivity: takes Low, Medium or High")]
    [InlineData("Area", "1111", "Nightjar:Cameras:0:Motion:Area: The motion area has 12 rows of 16 cells")]
    [InlineData("Area", "111111111111111x,1", "Nightjar:Cameras:0:Motion:Area: The motion area takes only 0, 1")]
    [InlineData("AlertOn", "Cats", "Nightjar:Cameras:0:AlertOn: takes AnyMotion, People, Vehicles or PeopleAndVehicles (got 'Cats')")]
    [InlineData("AlertOn", "1", "Nightjar:Cameras:0:AlertOn: takes AnyMotion")]
    [InlineData("MinScore", "0.1", "Nightjar:Cameras:0:MinScore: takes a score from 0.3 to 0.95")]
    [InlineData("MinScore", "NaN", "Nightjar:Cameras:0:MinScore: takes a score from 0.3 to 0.95")]
    [InlineData("MinScore", "half", "Nightjar:Cameras:0:MinScore: takes a score from 0.3 to 0.95")]
    public void AConfiguredCamerasMotion_OfTheWrongShape_IsRefused_NamingTheKey(string key, string value, string expected)
    {
        var options = new Nightjar.Recorder.Cameras.CamerasOptions();
        var camera = new Nightjar.Recorder.Cameras.ConfiguredCamera { Name = "Porch", StreamUrl = "rtsp://127.0.0.1:1/s" };
        switch (key)
        {
            case "Area":
                camera.Motion.Area = value;
                break;
            case "AlertOn":
                camera.AlertOn = value;
                break;
            case "MinScore":
                camera.MinScore = value;
                break;
            default:
                camera.Motion.Sensitivity = value;
                break;
        }

        options.Cameras["0"] = camera;
        var failures = new Nightjar.Recorder.Cameras.CamerasOptionsValidator().Validate(null, options).Failures!;

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AConfiguredCamera_AlertingOnPeople_WithAHigherMinimumScore_IsRead()
    {
        var camera = new Nightjar.Recorder.Cameras.ConfiguredCamera { Name = "Porch", StreamUrl = "rtsp://127.0.0.1:1/s", AlertOn = " people ", MinScore = "0.7" };

        var (settings, errors) = camera.ReadMotion();

        Assert.Empty(errors);
        Assert.Equal((Nightjar.Recording.Motion.AlertOn.People, 0.7), (settings!.AlertOn, settings.MinScore));
        Assert.Equal(["person"], settings.AlertLabels!);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(51.0)]
    [InlineData(double.NaN)]
    public void ADetectionBudgetOutOfRange_IsRefused_NamingTheKey(double perSecond)
    {
        var failures = new Nightjar.Recorder.Detection.DetectionOptionsValidator()
            .Validate(null, new Nightjar.Recorder.Detection.DetectionOptions { PerSecond = perSecond }).Failures!;

        Assert.StartsWith("Nightjar:Detection:PerSecond takes 1 to 50 inferences a second", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Nightjar:Notifications:Mqtt:TopicPrefix", "home/#")]
    [InlineData("Nightjar:Notifications:Webhook:Url", "ftp://example.com/x")]
    [InlineData("Nightjar:Notifications:Email:To", "nobody")]
    public void NotificationOptions_Bad_AreRefused_NamingTheKey(string key, string value)
    {
        var options = new Nightjar.Recorder.Notifications.NotificationsOptions();
        switch (key)
        {
            case "Nightjar:Notifications:Mqtt:TopicPrefix":
                options.Mqtt.Host = "broker.lan";
                options.Mqtt.TopicPrefix = value;
                break;
            case "Nightjar:Notifications:Webhook:Url":
                options.Webhook.Url = value;
                break;
            default:
                options.Email.To = value;
                break;
        }

        var failures = new Nightjar.Recorder.Notifications.NotificationsOptionsValidator().Validate(null, options).Failures!;
        Assert.Contains(failures, f => f.StartsWith(key + ": ", StringComparison.Ordinal));
    }
}
