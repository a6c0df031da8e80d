namespace Nightjar.Recorder.Onvif;

/// <summary>
/// Cameras → Search and adding a camera by its ONVIF address: the search of the networks the box is on, and the
/// reading of one camera's streams with the user name and password the owner typed for it.
/// </summary>
public sealed class OnvifCameraFinder(OnvifDiscovery discovery, TimeProvider clock) : IDisposable
{
    /// <summary>A camera's clock further off than this is shown: its recordings' own times and its digest depend on it.</summary>
    public static readonly TimeSpan ClockFarOff = TimeSpan.FromMinutes(2);

    private readonly HttpClient http = OnvifSoap.CreateHttpClient();

    public Task<IReadOnlyList<FoundCamera>> SearchAsync(CancellationToken cancellationToken = default) => discovery.SearchAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// The device service address for what the owner typed as "ONVIF Address": a host or an address, with a port when
    /// not 80, or a whole http address; null when it is none of these.
    /// </summary>
    public static Uri? DeviceService(string typed)
    {
        var text = typed.Trim();
        if (text.Length is 0 or > 255 || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return null;
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.UserInfo.Length == 0
                ? (url.AbsolutePath == "/" ? new UriBuilder(url) { Path = "/onvif/device_service" }.Uri : url)
                : null;
        }

        return Uri.TryCreate($"http://{text}/onvif/device_service", UriKind.Absolute, out var service) && service.AbsolutePath == "/onvif/device_service"
            && service.UserInfo.Length == 0 && service.Host.Length > 0 ? service : null;
    }

    /// <summary>Reads a camera's streams with the owner's login; throws <see cref="OnvifException"/> with words when it cannot.</summary>
    public async Task<OnvifStreams> FindStreamsAsync(Uri deviceService, OnvifCredentials credentials, CancellationToken cancellationToken = default)
    {
        var device = new OnvifDevice(new OnvifSoap(http, clock), deviceService, credentials);
        var offset = await device.ReadClockAsync(clock, cancellationToken);
        var info = await device.GetDeviceInformationAsync(cancellationToken);
        var services = await device.GetServicesAsync(cancellationToken);
        var profiles = (await device.GetProfilesAsync(services, cancellationToken)).Where(p => p.Encoding is null || !p.Encoding.Equals("JPEG", StringComparison.OrdinalIgnoreCase)).ToList();
        if (profiles.Count == 0)
        {
            throw new OnvifException("The camera has no video profile to record.");
        }

        var main = profiles.MaxBy(p => p.Pixels)!;
        var sub = profiles.Count > 1 ? profiles.MinBy(p => p.Pixels) : null;
        var mainStream = await device.GetStreamUriAsync(services, main, cancellationToken);
        var subStream = sub is null || sub.Pixels == main.Pixels ? null : await device.GetStreamUriAsync(services, sub, cancellationToken);
        var elsewhere = new[] { mainStream, subStream }.OfType<Uri>()
            .Where(u => !string.Equals(u.Host, deviceService.Host, StringComparison.OrdinalIgnoreCase)).ToList();
        return new OnvifStreams(info, mainStream, subStream, offset, elsewhere);
    }

    /// <summary>Sets a camera's clock to the box's time with the owner's login; returns how far off it is afterwards.</summary>
    public async Task<TimeSpan> SetClockAsync(Uri deviceService, OnvifCredentials credentials, CancellationToken cancellationToken = default)
    {
        var device = new OnvifDevice(new OnvifSoap(http, clock), deviceService, credentials);
        await device.ReadClockAsync(clock, cancellationToken); // the digest of the request that sets it is made in its old time
        await device.SetClockAsync(clock.GetUtcNow(), cancellationToken);
        return await device.ReadClockAsync(clock, cancellationToken);
    }

    public void Dispose() => http.Dispose();
}
