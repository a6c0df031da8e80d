using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Cameras;

public static class CamerasRegistration
{
    /// <summary>The Cameras feature: cameras from configuration and the console, their encrypted passwords, the screen.</summary>
    public static IServiceCollection AddCameras(this IServiceCollection services)
    {
        // Bound from "Nightjar", so that Nightjar:Cameras:N:* fills the dictionary by camera number.
        services.AddOptions<CamerasOptions>().BindConfiguration("Nightjar").ValidateOnStart();
        services.AddSingleton<IValidateOptions<CamerasOptions>, CamerasOptionsValidator>();
        services.TryAddSingleton<Security.SecretProtector>();
        services.AddSingleton<CameraStore>();
        services.AddSingleton<CameraCatalog>();
        services.AddOptions<Onvif.OnvifOptions>().BindConfiguration(Onvif.OnvifOptions.Section);
        services.AddSingleton(s => new Onvif.OnvifDiscovery(s.GetRequiredService<TimeProvider>(),
            s.GetRequiredService<Microsoft.Extensions.Options.IOptions<Onvif.OnvifOptions>>().Value.SearchInterfaces));
        services.AddSingleton<Onvif.OnvifCameraFinder>();
        services.AddSingleton<Onvif.CameraPtz>();
        services.AddHostedService<Onvif.CameraEvents>();
        return services.AddHostedService<CameraStartup>();
    }
}
