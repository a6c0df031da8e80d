using System.Security.Cryptography;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// A fresh random id for each start of the host, including an in-process reboot, so a client can tell
/// "the recorder came back" from "the recorder never went away".
/// </summary>
public sealed class BootIdentity(TimeProvider clock)
{
    public string BootId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public DateTimeOffset StartedUtc { get; } = clock.GetUtcNow();
}
