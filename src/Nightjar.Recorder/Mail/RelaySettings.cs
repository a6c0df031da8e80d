namespace Nightjar.Recorder.Mail;

/// <summary>
/// The owner's mail relay as typed in the console (the port is text until validated). An empty host means
/// "no relay": mail goes to the pickup folder.
/// </summary>
public sealed record RelaySettings(string Host, string Port, SmtpSecurity Security, string Username, string Password)
{
    public static RelaySettings None { get; } = new("", "", SmtpSecurity.Auto, "", "");
}
