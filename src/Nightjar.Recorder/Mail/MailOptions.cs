namespace Nightjar.Recorder.Mail;

/// <summary>
/// Mail relay from configuration (section <c>Nightjar:Mail</c>). A value set here wins over the value saved in
/// the console, and the console shows it read-only.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Nightjar:Mail";

    /// <summary>The embedded default sender; <see cref="MailOptionsValidator"/> relies on its being one valid address.</summary>
    public const string DefaultFrom = "Nightjar Recorder <recorder@localhost>";

    public string From { get; set; } = DefaultFrom;

    public SmtpOptions Smtp { get; set; } = new();

    public DkimOptions Dkim { get; set; } = new();
}
