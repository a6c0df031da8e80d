using Microsoft.Extensions.Options;
using Nightjar.Recorder.Power;

namespace Nightjar.Recorder.Recovery;

/// <summary>
/// The rule for what follows a completed reset, for the dialog and the HTTP route alike: with
/// <c>AfterPasswordReset=Reboot</c> the console restarts by itself (recording goes on), unless a new Recovery Key is
/// on screen, which the owner must be given time to write down first (they restart with "Restart now").
/// </summary>
public sealed class RestartAfterReset(PowerControl power, IOptions<PowerOptions> options)
{
    public bool RestartsAtOnce(ResetCompletion.Succeeded succeeded) =>
        options.Value.AfterPasswordReset == AfterPasswordReset.Reboot && succeeded.NewRecoveryKey is null;

    public Task RestartAsync() =>
        power.RequestAsync(PowerAction.RestartConsole, "Console restarted after the password reset; recording went on.");
}
