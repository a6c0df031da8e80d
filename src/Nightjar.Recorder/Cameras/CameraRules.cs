using Nightjar.Recorder.Security;

namespace Nightjar.Recorder.Cameras;

/// <summary>
/// Checks the camera dialog's fields and the cameras declared in configuration with the same rules. Credentials typed
/// into a URL are moved into the User Name and Password fields (and out of the URL), which the dialog then shows.
/// </summary>
public static class CameraRules
{
    public const int MaxNameLength = 40;
    public const int MaxCredentialLength = 128;

    public sealed record Outcome(IReadOnlyDictionary<string, string> Errors, CameraForm Form, CameraSettings? Settings);

    /// <param name="form">The fields as typed.</param>
    /// <param name="otherNames">Names of the other cameras: a name must tell cameras apart.</param>
    /// <param name="editing">
    /// The camera being edited, or null. When its password is saved, an empty Password field keeps it, but only while
    /// every URL keeps an address (scheme, host and port) the password was entered with: the saved password is never
    /// sent to a host the owner did not type it for.
    /// </param>
    public static Outcome Check(CameraForm form, IEnumerable<string> otherNames, CameraEntry? editing)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var name = form.Name.Trim();
        var nameLength = TypedText.VisibleLength(name);
        if (name.Length == 0)
        {
            errors[CameraField.Name] = "Enter a name for the camera, such as Front Door.";
        }
        else if (nameLength > MaxNameLength || name.Length > MaxNameLength * 8)
        {
            errors[CameraField.Name] = $"Use at most {MaxNameLength} characters.";
        }
        else if (TypedText.HasHiddenCharacters(name))
        {
            errors[CameraField.Name] = "The name cannot contain line breaks, control or invisible characters.";
        }
        else if (otherNames.Any(n => string.Equals(n.Trim(), name, StringComparison.OrdinalIgnoreCase)))
        {
            errors[CameraField.Name] = "Another camera has this name.";
        }

        var user = form.UserName;
        var password = form.Password;
        Uri? main = null, sub = null;
        if (CameraUrl.Check(form.StreamUrl, out var mainParsed) is { } mainError)
        {
            errors[CameraField.StreamUrl] = mainError;
        }
        else
        {
            main = mainParsed.Url;
            user = mainParsed.UserName ?? user;
            password = mainParsed.Password ?? password;
        }

        if (form.SubStreamUrl.Trim().Length > 0)
        {
            if (CameraUrl.Check(form.SubStreamUrl, out var subParsed) is { } subError)
            {
                errors[CameraField.SubStreamUrl] = subError;
            }
            else
            {
                sub = subParsed.Url;
                if ((subParsed.UserName is { } subUser && mainParsed.UserName is { } mainUser && subUser != mainUser)
                    || (subParsed.Password is { } subPassword && mainParsed.Password is { } mainPassword && subPassword != mainPassword))
                {
                    errors[CameraField.SubStreamUrl] = "Both streams log in with one user name and password: type them once, in the fields below.";
                }
                else
                {
                    user = mainParsed.UserName ?? subParsed.UserName ?? user;
                    password = mainParsed.Password ?? subParsed.Password ?? password;
                }
            }
        }

        user = user.Trim();
        if (user.Length > MaxCredentialLength)
        {
            errors[CameraField.UserName] = $"Use at most {MaxCredentialLength} characters.";
        }
        else if (TypedText.HasHiddenCharacters(user))
        {
            errors[CameraField.UserName] = "The user name cannot contain control or invisible characters.";
        }

        if (password.Length > MaxCredentialLength)
        {
            errors[CameraField.Password] = $"Use at most {MaxCredentialLength} characters.";
        }
        else if (TypedText.HasHiddenCharacters(password))
        {
            errors[CameraField.Password] = "The password cannot contain control or invisible characters.";
        }

        // What the dialog shows next: the URLs without credentials, the credentials in their fields.
        var shown = form with
        {
            StreamUrl = main?.AbsoluteUri ?? form.StreamUrl,
            SubStreamUrl = sub?.AbsoluteUri ?? form.SubStreamUrl,
            UserName = errors.ContainsKey(CameraField.UserName) ? form.UserName : user,
            Password = password,
        };
        if (errors.Count > 0)
        {
            return new Outcome(errors, shown, null);
        }

        var keep = password.Length == 0 && editing is { HasPassword: true };
        if (keep && !(SavedPasswordMayGo(main!, editing!) && (sub is null || SavedPasswordMayGo(sub, editing!))))
        {
            if (user.Length > 0)
            {
                errors[CameraField.Password] = "Enter the password again: the address changed, and a saved password is only sent to the address it was entered with.";
                return new Outcome(errors, shown, null);
            }

            // No user name and no password at the new address: the camera logs in with neither, and the saved password goes.
            keep = false;
        }

        var onvif = OnvifAddressFor(form.OnvifAddress, main!);
        // Only a camera reached by ONVIF can send its own motion events.
        var motion = onvif is null ? form.Motion with { From = Recording.Motion.MotionFrom.Nightjar } : form.Motion;
        return new Outcome(errors, shown with { OnvifAddress = onvif, Motion = motion },
            new CameraSettings(name, main!, sub, user, keep ? null : password, form.Enabled, motion, onvif));
    }

    /// <summary>
    /// The ONVIF address kept with a camera: an http(s) address without credentials on the main stream's own host. When
    /// the stream moves to another host, the ONVIF address goes: the camera's password (PTZ and events send it there)
    /// must only go where the owner sends the stream's.
    /// </summary>
    private static Uri? OnvifAddressFor(Uri? onvif, Uri main) =>
        onvif is { Scheme: "http" or "https", UserInfo.Length: 0 } && onvif.AbsoluteUri.Length <= CameraUrl.MaxLength
            && string.Equals(onvif.Host, main.Host, StringComparison.OrdinalIgnoreCase) ? onvif : null;

    private static bool SavedPasswordMayGo(Uri url, CameraEntry editing) =>
        CameraUrl.SameAddress(url, editing.SubStreamUrl is { } saved ? [editing.StreamUrl, saved] : [editing.StreamUrl]);
}
