namespace Nightjar.Recorder.Mail;

/// <summary>
/// Mail relay from configuration (section <c>Nightjar:Mail</c>). A value set here wins over the value saved in
/// the console, and the console shows it read-only.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Nightjar:Mail";

    public string From { get; set; } = "Nightjar Recorder <recorder@localhost>";

    public SmtpOptions Smtp { get; set; } = new();

    public DkimOptions Dkim { get; set; } = new();
}
