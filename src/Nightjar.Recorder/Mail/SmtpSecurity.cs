namespace Nightjar.Recorder.Mail;

/// <summary>How the connection to the mail relay is secured; the names match MailKit's SecureSocketOptions.</summary>
public enum SmtpSecurity
{
    Auto,
    None,
    StartTls,
    SslOnConnect,
}
