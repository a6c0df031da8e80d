namespace Nightjar.Recorder.Mail;

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int? Port { get; set; }

    public SmtpSecurity? Security { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }
}
