namespace Nightjar.Recorder.Mail;

/// <summary>Form field names for the relay settings; also the keys of validation messages.</summary>
public static class RelayField
{
    public const string Host = "SmtpHost";
    public const string Port = "SmtpPort";
    public const string Security = "SmtpSecurity";
    public const string Username = "SmtpUsername";
    public const string Password = "SmtpPassword";
}
