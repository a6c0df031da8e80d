using Nightjar.Recorder.Cameras;

namespace Nightjar.Recorder.Onvif;

/// <summary>
/// Reaches a camera's PTZ service with the camera's own login, at the ONVIF address it was added with: the live view
/// asks when a camera fills the screen, and gets a <see cref="PtzCamera"/> when that camera can move.
/// </summary>
public sealed class CameraPtz(CameraCatalog catalog, TimeProvider clock, ILogger<CameraPtz> logger) : IDisposable
{
    private readonly HttpClient http = OnvifSoap.CreateHttpClient();

    /// <summary>
    /// The camera's PTZ control, or null when it was not added through ONVIF or cannot move; throws
    /// <see cref="OnvifException"/> with words when its ONVIF service does not answer as it should.
    /// </summary>
    public async Task<PtzCamera?> OpenAsync(string cameraId, CancellationToken cancellationToken = default)
    {
        if (await catalog.OnvifLoginAsync(cameraId) is not var (address, user, password))
        {
            return null;
        }

        var device = new OnvifDevice(new OnvifSoap(http, clock), address, new OnvifCredentials(user, password));
        var services = await device.OpenAsync(clock, cancellationToken);
        if (services.Ptz is null)
        {
            return null;
        }

        // The main stream's profile (the largest) when it can move; cameras give every profile the same PTZ node.
        var profile = (await device.GetProfilesAsync(services, cancellationToken)).Where(p => p.CanMove).MaxBy(p => p.Pixels);
        if (profile is null)
        {
            return null;
        }

        IReadOnlyList<OnvifPreset> presets = [];
        try
        {
            presets = await device.GetPresetsAsync(services, profile, cancellationToken);
        }
        catch (OnvifException ex) when (!ex.WrongCredentials)
        {
            logger.LogInformation("Camera {Id} moves but lists no presets: {Reason}", cameraId, ex.Message);
        }

        return new PtzCamera(device, services, profile, presets, clock);
    }

    public void Dispose() => http.Dispose();
}
