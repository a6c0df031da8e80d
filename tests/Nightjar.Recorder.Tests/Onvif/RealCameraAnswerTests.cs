using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nightjar.Recorder.Onvif;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Onvif;

/// <summary>
/// The ONVIF client reading what real cameras answered (Responses/, with their sources in SOURCES.md: Hikvision and its
/// OEMs, Dahua, Axis, Bosch, Uniview OEMs, D-Link, TP-Link, Milesight, Xiongmai and unbranded ones): each answer,
/// served over HTTP as the camera sent it, gives what the recorder needs or a fault in words, whatever its prefixes,
/// namespace versions and quirks.
/// </summary>
public sealed class RealCameraAnswerTests : IAsyncLifetime
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Onvif", "Responses");
    private WebApplication app = null!;
    private int port;

    /// <summary>The file each operation (the request body's element) is answered with; others get an ActionNotSupported fault.</summary>
    private readonly Dictionary<string, string> answers = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var request = await reader.ReadToEndAsync();
            var operation = answers.Keys.FirstOrDefault(o => request.Contains($":{o}", StringComparison.Ordinal) || request.Contains($"<{o}", StringComparison.Ordinal));
            var file = operation is null ? "onvif-ipnc-IPG-8150PSS-Fault-ActionNotSupported.xml" : answers[operation];
            context.Response.StatusCode = file.Contains("-Fault-", StringComparison.Ordinal) ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
            context.Response.ContentType = "application/soap+xml; charset=utf-8";
            await context.Response.SendFileAsync(Path.Combine(Folder, file));
        });
        await app.StartAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    public static TheoryData<string> Files(string operation) =>
        [.. Directory.GetFiles(Folder, "*.xml").Select(f => Path.GetFileName(f)).Where(f => f.EndsWith($"-{operation}.xml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Faults() =>
        [.. Directory.GetFiles(Folder, "*-Fault-*.xml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private Uri Device => new($"http://127.0.0.1:{port}/onvif/device_service");

    private OnvifDevice Client(HttpClient http) => new(new OnvifSoap(http, TimeProvider.System), Device, new OnvifCredentials("admin", "Secret-99"));

    [Theory]
    [MemberData(nameof(Files), "GetSystemDateAndTime")]
    public async Task TheClock_IsRead(string file)
    {
        answers["GetSystemDateAndTime"] = file;
        using var http = OnvifSoap.CreateHttpClient();

        var offset = await Client(http).ReadClockAsync(TimeProvider.System);

        Assert.InRange(offset, TimeSpan.FromDays(-20 * 365), TimeSpan.FromDays(20 * 365)); // a capture's time, years ago
    }

    [Theory]
    [MemberData(nameof(Files), "GetDeviceInformation")]
    public async Task WhatTheCameraIs_IsRead(string file)
    {
        answers["GetDeviceInformation"] = file;
        using var http = OnvifSoap.CreateHttpClient();

        var info = await Client(http).GetDeviceInformationAsync();

        Assert.False(info.Model.Length == 0 && info.Manufacturer.Length == 0, "Neither maker nor model was read.");
        Assert.DoesNotContain(info.Model + info.Manufacturer, char.IsControl);
    }

    [Theory]
    [MemberData(nameof(Files), "GetServices")]
    [MemberData(nameof(Files), "GetCapabilities")]
    public async Task TheMediaService_IsFound_OnTheChosenHost(string file)
    {
        answers[file.EndsWith("-GetServices.xml", StringComparison.Ordinal) ? "GetServices" : "GetCapabilities"] = file;
        using var http = OnvifSoap.CreateHttpClient();

        var services = await Client(http).GetServicesAsync();

        var media = services.Media2 ?? services.Media;
        Assert.NotNull(media);
        Assert.Equal("127.0.0.1", media.Host); // every camera here named its own address, never ours: reached at ours
    }

    [Theory]
    [MemberData(nameof(Files), "GetProfiles")]
    public async Task TheProfiles_AreRead(string file)
    {
        answers["GetProfiles"] = file;
        using var http = OnvifSoap.CreateHttpClient();
        var media = new Uri($"http://127.0.0.1:{port}/onvif/media");
        var services = file.Contains("-Media2-", StringComparison.Ordinal) ? new OnvifServices(null, media, null, null) : new OnvifServices(media, null, null, null);

        var profiles = await Client(http).GetProfilesAsync(services);

        Assert.NotEmpty(profiles);
        Assert.All(profiles, p => Assert.False(string.IsNullOrWhiteSpace(p.Token)));
        Assert.Contains(profiles, p => p.Width > 0 && p.Height > 0 || file.Contains("-Media2-", StringComparison.Ordinal));
        var hasPtz = File.ReadAllText(Path.Combine(Folder, file)).Contains("PTZConfiguration ", StringComparison.Ordinal);
        Assert.Equal(hasPtz, profiles.Any(p => p.CanMove));
    }

    [Theory]
    [MemberData(nameof(Files), "GetPresets")]
    public async Task ThePresets_AreRead_WithNamesToShow(string file)
    {
        answers["GetPresets"] = file;
        using var http = OnvifSoap.CreateHttpClient();
        var ptz = new Uri($"http://127.0.0.1:{port}/onvif/ptz");

        var presets = await Client(http).GetPresetsAsync(new OnvifServices(null, null, ptz, null), new OnvifProfile("Profile_1", "main", "H264", 1920, 1080, CanMove: true));

        Assert.InRange(presets.Count, 2, OnvifDevice.MaxPresets);
        Assert.All(presets, p => Assert.False(string.IsNullOrWhiteSpace(p.Name)));
        Assert.Equal(presets.Count, presets.Select(p => p.Token).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Files), "GetStreamUri")]
    public async Task TheStreamAddress_IsRead(string file)
    {
        answers["GetStreamUri"] = file;
        using var http = OnvifSoap.CreateHttpClient();
        var media = new Uri($"http://127.0.0.1:{port}/onvif/media");
        var services = file.Contains("-Media2-", StringComparison.Ordinal) ? new OnvifServices(null, media, null, null) : new OnvifServices(media, null, null, null);

        var uri = await Client(http).GetStreamUriAsync(services, new OnvifProfile("Profile_1", "main", "H264", 1920, 1080));

        Assert.Contains(uri.Scheme, new[] { "rtsp", "rtsps" });
    }

    [Theory]
    [MemberData(nameof(Files), "GetSnapshotUri")]
    public async Task TheSnapshotAddress_IsRead(string file)
    {
        answers["GetSnapshotUri"] = file;
        using var http = OnvifSoap.CreateHttpClient();
        var services = new OnvifServices(new Uri($"http://127.0.0.1:{port}/onvif/media"), null, null, null);

        var uri = await Client(http).GetSnapshotUriAsync(services, new OnvifProfile("Profile_1", "main", "H264", 1920, 1080));

        Assert.NotNull(uri);
        Assert.Contains(uri.Scheme, new[] { "http", "https" });
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task AFault_IsSaidInWords(string file)
    {
        answers["GetDeviceInformation"] = file;
        using var http = OnvifSoap.CreateHttpClient();

        var fault = await Assert.ThrowsAsync<OnvifException>(() => Client(http).GetDeviceInformationAsync());

        Assert.StartsWith("The camera ", fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret-99", fault.Message, StringComparison.Ordinal);
        Assert.True(fault.Message.Length < 300, fault.Message);
    }

    [Theory]
    [MemberData(nameof(Files), "ProbeMatches")]
    public void ADiscoveryAnswer_NamesTheCamerasDeviceService(string file)
    {
        var text = File.ReadAllText(Path.Combine(Folder, file));
        var relatesTo = System.Text.RegularExpressions.Regex.Match(text, "RelatesTo[^>]*>([^<]+)<").Groups[1].Value.Trim();

        var found = OnvifDiscovery.Read(text, relatesTo);

        var camera = Assert.Single(found);
        Assert.StartsWith("http", camera.DeviceService.Scheme, StringComparison.Ordinal);
        Assert.NotEmpty(camera.Endpoint);
        Assert.Empty(OnvifDiscovery.Read(text, "uuid:someone-elses-probe"));
    }

    [Theory]
    [MemberData(nameof(Files), "CreatePullPointSubscription")]
    public async Task AnEventSubscription_IsMade_AndItsAddressKeptOnTheChosenHost(string file)
    {
        answers["CreatePullPointSubscription"] = file;
        using var http = OnvifSoap.CreateHttpClient();
        var services = new OnvifServices(null, null, null, new Uri($"http://127.0.0.1:{port}/onvif/Events"));

        var subscription = await Client(http).CreatePullPointAsync(services, TimeSpan.FromMinutes(1));

        // The camera named its own inside address (192.168.8.120): the subscription is read at the host the owner chose.
        Assert.Equal($"127.0.0.1:{port}", subscription.Authority);
        Assert.StartsWith("/onvif/Events/PullSub", subscription.AbsolutePath, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Files), "PullMessages")]
    [MemberData(nameof(Files), "PullMessages-2")]
    public async Task TheCamerasEvents_AreRead_AndItsMotionTopicsKnown(string file)
    {
        answers["PullMessages"] = file;
        using var http = OnvifSoap.CreateHttpClient();

        var notifications = await Client(http).PullMessagesAsync(new Uri($"http://127.0.0.1:{port}/onvif/Events/PullSubManager_1"), TimeSpan.FromSeconds(1));

        Assert.NotEmpty(notifications);
        Assert.All(notifications, n => Assert.DoesNotContain(":", n.Topic.Split('/')[0], StringComparison.Ordinal));
        var motion = notifications.Where(n => n.Moving is not null).ToList();
        Assert.NotEmpty(motion); // a camera's cell motion detector or motion alarm
        Assert.All(notifications.Where(n => !n.Topic.Contains("Motion", StringComparison.Ordinal)), n => Assert.Null(n.Moving));
    }

    [Fact]
    public void ADiscoveryAnswerListingSeveralAddresses_IsReadAtTheOneItCameFrom()
    {
        var text = File.ReadAllText(Path.Combine(Folder, "axis-M2036-LE-ProbeMatches.xml"));
        var relatesTo = System.Text.RegularExpressions.Regex.Match(text, "RelatesTo[^>]*>([^<]+)<").Groups[1].Value.Trim();
        var listed = System.Text.RegularExpressions.Regex.Match(text, "XAddrs[^>]*>([^<]+)<").Groups[1].Value;
        var several = text.Replace(listed, "http://[fe80::1]/onvif/device_service http://10.9.8.7/onvif/device_service " + listed, StringComparison.Ordinal);

        var fromThere = Assert.Single(OnvifDiscovery.Read(several, relatesTo, System.Net.IPAddress.Parse("10.9.8.7")));
        var unknown = Assert.Single(OnvifDiscovery.Read(several, relatesTo));

        Assert.Equal(new Uri("http://10.9.8.7/onvif/device_service"), fromThere.DeviceService);
        Assert.Equal(new Uri("http://[fe80::1]/onvif/device_service"), unknown.DeviceService); // the first, when the sender is not known
    }
}
