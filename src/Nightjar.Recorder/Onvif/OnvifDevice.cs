using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Nightjar.Recorder.Onvif;

/// <summary>
/// One ONVIF camera, reached at the device service address the owner chose: its clock, what it is, where its services
/// are, its media profiles and their stream and snapshot addresses. The password goes to this device's host alone: a
/// service address the camera names on another host (a camera behind NAT names its inside address) is reached at the
/// chosen host with the service's path instead, never followed to the other host.
/// </summary>
public sealed class OnvifDevice(OnvifSoap soap, Uri deviceService, OnvifCredentials? credentials)
{
    /// <summary>The camera's clock minus the box's, once <see cref="ReadClockAsync"/> has read it.</summary>
    public TimeSpan ClockOffset { get; private set; }

    public Uri DeviceService => deviceService;

    /// <summary>The device service address for a camera at <paramref name="host"/> (a host name or address, with a port when not 80).</summary>
    public static Uri ServiceAddress(string host) => new($"http://{host}/onvif/device_service");

    /// <summary>
    /// Reads the camera's clock (<c>GetSystemDateAndTime</c>, which needs no password) and keeps its offset from the
    /// box's, so the digest is made in the camera's time. Returns the offset.
    /// </summary>
    public async Task<TimeSpan> ReadClockAsync(TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var asked = clock.GetUtcNow();
        var body = await soap.CallAsync(deviceService, new XElement(OnvifXml.Device + "GetSystemDateAndTime"), null, TimeSpan.Zero, cancellationToken: cancellationToken);
        var utc = body.Find("UTCDateTime") ?? body.Find("LocalDateTime")
            ?? throw new OnvifException("The camera did not say what time it is.");
        var date = utc.Find("Date");
        var time = utc.Find("Time");
        if (date is null || time is null || !TryInt(date, "Year", out var year) || !TryInt(date, "Month", out var month) || !TryInt(date, "Day", out var day)
            || !TryInt(time, "Hour", out var hour) || !TryInt(time, "Minute", out var minute) || !TryInt(time, "Second", out var second))
        {
            throw new OnvifException("The camera's time is not a date and time.");
        }

        try
        {
            var cameraTime = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
            var answered = clock.GetUtcNow();
            ClockOffset = cameraTime - (asked + ((answered - asked) / 2));
            return ClockOffset;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new OnvifException("The camera's time is not a date and time.");
        }
    }

    /// <summary>What every use of a saved camera begins with: its clock (so the digest is made in its time), then where its services are.</summary>
    public async Task<OnvifServices> OpenAsync(TimeProvider clock, CancellationToken cancellationToken = default)
    {
        await ReadClockAsync(clock, cancellationToken);
        return await GetServicesAsync(cancellationToken);
    }

    /// <summary>Sets the camera's clock (UTC, by hand rather than NTP) to <paramref name="utc"/>; its time zone stays as it was.</summary>
    public async Task SetClockAsync(DateTimeOffset utc, CancellationToken cancellationToken = default)
    {
        var time = utc.UtcDateTime;
        await CallAsync(deviceService, new XElement(OnvifXml.Device + "SetSystemDateAndTime",
            new XElement(OnvifXml.Device + "DateTimeType", "Manual"),
            new XElement(OnvifXml.Device + "DaylightSavings", "false"),
            new XElement(OnvifXml.Device + "UTCDateTime",
                new XElement(OnvifXml.Schema + "Time",
                    new XElement(OnvifXml.Schema + "Hour", time.Hour), new XElement(OnvifXml.Schema + "Minute", time.Minute), new XElement(OnvifXml.Schema + "Second", time.Second)),
                new XElement(OnvifXml.Schema + "Date",
                    new XElement(OnvifXml.Schema + "Year", time.Year), new XElement(OnvifXml.Schema + "Month", time.Month), new XElement(OnvifXml.Schema + "Day", time.Day)))),
            cancellationToken);
    }

    public async Task<OnvifDeviceInfo> GetDeviceInformationAsync(CancellationToken cancellationToken = default)
    {
        var body = await CallAsync(deviceService, new XElement(OnvifXml.Device + "GetDeviceInformation"), cancellationToken);
        return new OnvifDeviceInfo(Clip(body.Text("Manufacturer")), Clip(body.Text("Model")), Clip(body.Text("FirmwareVersion")), Clip(body.Text("SerialNumber")));
    }

    /// <summary>Where the media, PTZ and event services are: <c>GetServices</c>, or <c>GetCapabilities</c> on cameras without it.</summary>
    public async Task<OnvifServices> GetServicesAsync(CancellationToken cancellationToken = default)
    {
        Dictionary<string, Uri> found = [];
        try
        {
            var body = await CallAsync(deviceService, new XElement(OnvifXml.Device + "GetServices", new XElement(OnvifXml.Device + "IncludeCapability", "false")), cancellationToken);
            foreach (var service in body.FindAll("Service"))
            {
                if (service.Text("Namespace") is { } ns && service.Text("XAddr") is { } address && OnThisHost(address) is { } uri)
                {
                    found.TryAdd(ns, uri);
                }
            }
        }
        catch (OnvifException ex) when (!ex.WrongCredentials)
        {
            // An older camera: GetCapabilities says the same with other names.
        }

        if (found.Count == 0)
        {
            var body = await CallAsync(deviceService, new XElement(OnvifXml.Device + "GetCapabilities", new XElement(OnvifXml.Device + "Category", "All")), cancellationToken);
            foreach (var (name, ns) in new[] { ("Media", OnvifXml.Media), ("PTZ", OnvifXml.Ptz), ("Events", OnvifXml.Events) })
            {
                if (body.Find(name)?.Child("XAddr")?.Value.Trim() is { } address && OnThisHost(address) is { } uri)
                {
                    found.TryAdd(ns.NamespaceName, uri);
                }
            }
        }

        return new OnvifServices(found.GetValueOrDefault(OnvifXml.Media.NamespaceName), found.GetValueOrDefault(OnvifXml.Media2.NamespaceName),
            found.GetValueOrDefault(OnvifXml.Ptz.NamespaceName), found.GetValueOrDefault(OnvifXml.Events.NamespaceName));
    }

    /// <summary>The media profiles with video, from Media 2 where the camera has it, else Media 1.</summary>
    public async Task<IReadOnlyList<OnvifProfile>> GetProfilesAsync(OnvifServices services, CancellationToken cancellationToken = default)
    {
        var (service, request) = services.Media2 is { } media2
            ? (media2, new XElement(OnvifXml.Media2 + "GetProfiles", new XElement(OnvifXml.Media2 + "Type", "VideoEncoder")))
            : (services.Media ?? throw new OnvifException("The camera has no media service, so it has no streams to record."), new XElement(OnvifXml.Media + "GetProfiles"));
        var body = await CallAsync(service, request, cancellationToken);
        var profiles = new List<OnvifProfile>();
        foreach (var profile in body.FindAll("Profiles"))
        {
            var token = profile.Attribute("token")?.Value.Trim();
            if (string.IsNullOrEmpty(token) || token.Length > 64)
            {
                continue;
            }

            var encoder = profile.Find("VideoEncoderConfiguration") ?? profile.Find("VideoEncoder");
            var resolution = encoder?.Find("Resolution");
            var width = resolution is not null && TryInt(resolution, "Width", out var w) ? w : 0;
            var height = resolution is not null && TryInt(resolution, "Height", out var h) ? h : 0;
            // Media 1 names it PTZConfiguration, Media 2 lists it under Configurations as PTZ.
            var canMove = profile.Find("PTZConfiguration") is not null || profile.Child("Configurations")?.Child("PTZ") is not null;
            profiles.Add(new OnvifProfile(token, Clip(profile.Text("Name") ?? token), encoder?.Text("Encoding"), width, height, canMove));
        }

        return profiles;
    }

    /// <summary>The RTSP address of a profile's stream (unicast, RTSP over TCP or UDP as the recorder chooses).</summary>
    public async Task<Uri> GetStreamUriAsync(OnvifServices services, OnvifProfile profile, CancellationToken cancellationToken = default)
    {
        var (service, request) = services.Media2 is { } media2
            ? (media2, new XElement(OnvifXml.Media2 + "GetStreamUri", new XElement(OnvifXml.Media2 + "Protocol", "RTSP"), new XElement(OnvifXml.Media2 + "ProfileToken", profile.Token)))
            : (services.Media!, new XElement(OnvifXml.Media + "GetStreamUri",
                new XElement(OnvifXml.Media + "StreamSetup",
                    new XElement(OnvifXml.Schema + "Stream", "RTP-Unicast"),
                    new XElement(OnvifXml.Schema + "Transport", new XElement(OnvifXml.Schema + "Protocol", "RTSP"))),
                new XElement(OnvifXml.Media + "ProfileToken", profile.Token)));
        var body = await CallAsync(service, request, cancellationToken);
        var text = body.Text("Uri");
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "rtsp" or "rtsps"
            ? uri
            : throw new OnvifException($"The camera gave no RTSP address for its profile \"{profile.Name}\".");
    }

    /// <summary>The address of a profile's still picture, or null when the camera has none.</summary>
    public async Task<Uri?> GetSnapshotUriAsync(OnvifServices services, OnvifProfile profile, CancellationToken cancellationToken = default)
    {
        var (service, request) = services.Media2 is { } media2
            ? (media2, new XElement(OnvifXml.Media2 + "GetSnapshotUri", new XElement(OnvifXml.Media2 + "ProfileToken", profile.Token)))
            : (services.Media!, new XElement(OnvifXml.Media + "GetSnapshotUri", new XElement(OnvifXml.Media + "ProfileToken", profile.Token)));
        try
        {
            var body = await CallAsync(service, request, cancellationToken);
            return Uri.TryCreate(body.Text("Uri"), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
        }
        catch (OnvifException ex) when (!ex.WrongCredentials)
        {
            return null; // many cameras have no snapshot service; the recorder makes its own pictures
        }
    }

    /// <summary>
    /// Starts moving at the given speeds (each from -1 to 1: pan right, tilt up, zoom in are positive); the camera
    /// stops by itself after <paramref name="timeout"/> if no Stop comes (a lost release must not leave it turning).
    /// </summary>
    public async Task ContinuousMoveAsync(OnvifServices services, OnvifProfile profile, PtzVelocity velocity, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var speed = new XElement(OnvifXml.Ptz + "Velocity");
        // Only the axes that move: some cameras without zoom refuse a Zoom element, even a zero one.
        if (velocity.Pan != 0 || velocity.Tilt != 0)
        {
            speed.Add(new XElement(OnvifXml.Schema + "PanTilt", new XAttribute("x", Number(velocity.Pan)), new XAttribute("y", Number(velocity.Tilt))));
        }

        if (velocity.Zoom != 0)
        {
            speed.Add(new XElement(OnvifXml.Schema + "Zoom", new XAttribute("x", Number(velocity.Zoom))));
        }

        await CallAsync(PtzService(services), new XElement(OnvifXml.Ptz + "ContinuousMove",
            new XElement(OnvifXml.Ptz + "ProfileToken", profile.Token),
            speed,
            new XElement(OnvifXml.Ptz + "Timeout", XmlConvert.ToString(timeout))), cancellationToken);
    }

    public async Task StopAsync(OnvifServices services, OnvifProfile profile, CancellationToken cancellationToken = default) =>
        await CallAsync(PtzService(services), new XElement(OnvifXml.Ptz + "Stop",
            new XElement(OnvifXml.Ptz + "ProfileToken", profile.Token),
            new XElement(OnvifXml.Ptz + "PanTilt", "true"),
            new XElement(OnvifXml.Ptz + "Zoom", "true")), cancellationToken);

    /// <summary>The positions saved in the camera (at most <see cref="MaxPresets"/>, each with a name to show).</summary>
    public async Task<IReadOnlyList<OnvifPreset>> GetPresetsAsync(OnvifServices services, OnvifProfile profile, CancellationToken cancellationToken = default)
    {
        var body = await CallAsync(PtzService(services), new XElement(OnvifXml.Ptz + "GetPresets", new XElement(OnvifXml.Ptz + "ProfileToken", profile.Token)), cancellationToken);
        var presets = new List<OnvifPreset>();
        foreach (var preset in body.FindAll("Preset").Take(MaxPresets))
        {
            var token = preset.Attribute("token")?.Value.Trim();
            if (!string.IsNullOrEmpty(token) && token.Length <= 64)
            {
                var name = Clip(preset.Child("Name")?.Value);
                presets.Add(new OnvifPreset(token, name.Length > 0 ? name : token));
            }
        }

        return presets;
    }

    public async Task GotoPresetAsync(OnvifServices services, OnvifProfile profile, OnvifPreset preset, CancellationToken cancellationToken = default) =>
        await CallAsync(PtzService(services), new XElement(OnvifXml.Ptz + "GotoPreset",
            new XElement(OnvifXml.Ptz + "ProfileToken", profile.Token),
            new XElement(OnvifXml.Ptz + "PresetToken", preset.Token)), cancellationToken);

    /// <summary>
    /// Opens a PullPoint subscription to the camera's events, kept for <paramref name="keep"/> unless renewed; returns
    /// its address (on the device's own host, like every service).
    /// </summary>
    public async Task<Uri> CreatePullPointAsync(OnvifServices services, TimeSpan keep, CancellationToken cancellationToken = default)
    {
        var service = services.Events ?? throw new OnvifException("The camera sends no events (it has no event service).");
        var body = await CallAsync(service, new XElement(OnvifXml.Events + "CreatePullPointSubscription",
            new XElement(OnvifXml.Events + "InitialTerminationTime", XmlConvert.ToString(keep))), cancellationToken);
        var address = body.Find("SubscriptionReference")?.Find("Address")?.Value.Trim();
        return address is not null && OnThisHost(address) is { } subscription
            ? subscription
            : throw new OnvifException("The camera's event subscription has no address to read it from.");
    }

    /// <summary>
    /// The events the camera has for a subscription, waiting up to <paramref name="wait"/> for one (at most
    /// <see cref="MaxMessages"/> a call). Each is its topic (the prefix left out) and the data items it carries.
    /// </summary>
    public async Task<IReadOnlyList<OnvifNotification>> PullMessagesAsync(Uri subscription, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var body = await CallAsync(subscription, new XElement(OnvifXml.Events + "PullMessages",
                new XElement(OnvifXml.Events + "Timeout", XmlConvert.ToString(wait)),
                new XElement(OnvifXml.Events + "MessageLimit", MaxMessages)),
            cancellationToken, "http://www.onvif.org/ver10/events/wsdl/PullPointSubscription/PullMessagesRequest");
        var notifications = new List<OnvifNotification>();
        foreach (var message in body.FindAll("NotificationMessage").Take(MaxMessages))
        {
            var topic = message.Child("Topic")?.Value.Trim() ?? "";
            // "tns1:RuleEngine/CellMotionDetector/Motion": the prefix is whatever the camera declared; the path is what counts.
            topic = topic[(topic.IndexOf(':', StringComparison.Ordinal) + 1)..];
            var data = message.Find("Data")?.Elements().Where(e => e.Name.LocalName == "SimpleItem")
                .Select(e => (Name: e.Attribute("Name")?.Value ?? "", Value: e.Attribute("Value")?.Value ?? ""))
                .Where(i => i.Name.Length is > 0 and <= 64 && i.Value.Length <= 256)
                .Take(16)
                .ToDictionary(i => i.Name, i => i.Value, StringComparer.Ordinal);
            var source = string.Join("/", message.Find("Source")?.Elements().Select(e => e.Attribute("Value")?.Value ?? "").Take(8) ?? []);
            notifications.Add(new OnvifNotification(Clip(topic), Clip(source), data ?? []));
        }

        return notifications;
    }

    /// <summary>Keeps a subscription for <paramref name="keep"/> more.</summary>
    public async Task RenewAsync(Uri subscription, TimeSpan keep, CancellationToken cancellationToken = default) =>
        await CallAsync(subscription, new XElement(OnvifXml.Notification + "Renew", new XElement(OnvifXml.Notification + "TerminationTime", XmlConvert.ToString(keep))),
            cancellationToken, "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewRequest");

    public async Task UnsubscribeAsync(Uri subscription, CancellationToken cancellationToken = default) =>
        await CallAsync(subscription, new XElement(OnvifXml.Notification + "Unsubscribe"),
            cancellationToken, "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest");

    /// <summary>Events read in one call at most (a camera may queue many while nobody reads).</summary>
    public const int MaxMessages = 32;

    /// <summary>Cameras keep up to a few hundred presets; a list longer than this is cut.</summary>
    public const int MaxPresets = 256;

    private static Uri PtzService(OnvifServices services) => services.Ptz ?? throw new OnvifException("The camera cannot be moved (it has no PTZ service).");

    private static string Number(double value) => Math.Clamp(value, -1, 1).ToString("0.###", CultureInfo.InvariantCulture);

    private Task<XElement> CallAsync(Uri service, XElement body, CancellationToken cancellationToken, string? addressedAction = null) =>
        soap.CallAsync(service, body, credentials, ClockOffset, addressedAction, cancellationToken);

    /// <summary>
    /// A service address the camera gave, on the device's own host: as given when it is there; with the device's host
    /// and port and the given path when it names another (never followed there with the password); null when unusable.
    /// </summary>
    internal Uri? OnThisHost(string address)
    {
        // Some cameras list several addresses separated by spaces; the first will do.
        var first = address.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (!Uri.TryCreate(first, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return null;
        }

        return string.Equals(uri.Host, deviceService.Host, StringComparison.OrdinalIgnoreCase)
            ? uri
            : new UriBuilder(deviceService) { Path = uri.AbsolutePath, Query = "" }.Uri;
    }

    private static bool TryInt(XElement element, string localName, out int value) =>
        int.TryParse(element.Text(localName), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    /// <summary>Text from a camera, bounded and without control characters, to show the owner.</summary>
    private static string Clip(string? text)
    {
        var clean = new string((text ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length > 100 ? clean[..100] : clean;
    }
}
