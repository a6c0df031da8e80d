using Nightjar.Recorder.Mail;

namespace Nightjar.Recorder.Setup;

public sealed record SetupRequest(string AdminPassword, string ConfirmPassword, string RecoveryEmail, RelaySettings Relay);
