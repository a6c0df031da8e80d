using System.Globalization;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Cameras;

/// <summary>Cameras in configuration follow the dialog's rules; every message names the key.</summary>
public sealed class CamerasOptionsValidator : IValidateOptions<CamerasOptions>
{
    public ValidateOptionsResult Validate(string? name, CamerasOptions options)
    {
        var failures = new List<string>();
        if (options.Cameras.Count > CameraCatalog.MaxCameras)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Nightjar:Cameras holds {options.Cameras.Count} cameras; the recorder has {CameraCatalog.MaxCameras} channels."));
        }

        var names = new List<string>();
        foreach (var (key, _, camera) in options.Ordered())
        {
            var prefix = "Nightjar:Cameras:" + key;
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 99)
            {
                failures.Add($"{prefix}: number the cameras 0, 1, 2 … (got '{key}').");
                continue;
            }

            var form = new CameraForm(camera.Name ?? "", camera.StreamUrl ?? "", camera.SubStreamUrl ?? "", camera.UserName ?? "", camera.Password ?? "")
            {
                OnvifAddress = camera.OnvifService,
            };
            var check = CameraRules.Check(form, names, editing: null);
            foreach (var (field, message) in check.Errors)
            {
                failures.Add($"{prefix}:{field}: {message}");
            }

            var (motion, motionErrors) = camera.ReadMotion();
            foreach (var (key2, message) in motionErrors)
            {
                failures.Add($"{prefix}:{key2}: {message}");
            }

            if (camera.OnvifAddress is not null && camera.OnvifService is null)
            {
                failures.Add($"{prefix}:OnvifAddress: takes the camera's ONVIF address: a host, host:port, or an http address (got '{camera.OnvifAddress}').");
            }
            else if (camera.OnvifService is not null && check.Settings is { OnvifAddress: null })
            {
                failures.Add($"{prefix}:OnvifAddress: must be on the Stream URL's host, the one the camera's password is for.");
            }
            else if (motion is { From: Recording.Motion.MotionFrom.Camera } && camera.OnvifService is null)
            {
                failures.Add($"{prefix}:Motion:From: Camera needs the camera's OnvifAddress.");
            }

            names.Add(form.Name);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
