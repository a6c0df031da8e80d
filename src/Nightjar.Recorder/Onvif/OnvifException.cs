namespace Nightjar.Recorder.Onvif;

/// <summary>A camera's ONVIF service could not do what was asked; the message says why in the owner's words.</summary>
public sealed class OnvifException(string message, bool wrongCredentials = false, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The camera refused the user name or password (or its clock is so far off that the digest looked stale).</summary>
    public bool WrongCredentials { get; } = wrongCredentials;
}
