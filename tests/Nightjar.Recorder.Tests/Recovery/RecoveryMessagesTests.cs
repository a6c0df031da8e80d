using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Recovery;
using Xunit;

namespace Nightjar.Recorder.Tests.Recovery;

public class RecoveryMessagesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 14, 2, 0, TimeSpan.Zero);

    private static RecoveryMessages Messages(MailOptions? options = null)
    {
        var clock = new FakeTimeProvider(Now);
        var monitor = new FixedOptionsMonitor<MailOptions>(options ?? new MailOptions { From = "Nightjar Recorder <recorder@nvr.example.com>" });
        return new RecoveryMessages(new MailComposer(monitor, clock), clock);
    }

    private static readonly RecorderIdentity Device = new("NJ-7F3K-Q9D2", "Garage <b>NVR</b> & \"more\"", RecorderIdentityStore.Model, "1.0");

    [Fact]
    public void ResetPassword_HasTheContract_SubjectCodeDeviceAndTimes()
    {
        var message = Messages().ResetPassword("jane@example.com", Device, "K7Q29MZD", Now, Now.AddMinutes(30));

        Assert.Equal("Reset Password — Garage <b>NVR</b> & \"more\"", message.Subject);
        Assert.Equal("jane@example.com", message.To.Mailboxes.Single().Address);
        Assert.Equal("recorder@nvr.example.com", message.From.Mailboxes.Single().Address);
        Assert.EndsWith("@nvr.example.com", message.MessageId, StringComparison.Ordinal);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal(Now, message.Date);
        Assert.Contains("K7Q2-9MZD", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("K7Q2-9MZD", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("NJ-7F3K-Q9D2", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("If you did not ask for this, someone at the recorder's screen did; your password is unchanged.", message.TextBody, StringComparison.Ordinal);
        Assert.IsType<MultipartAlternative>(message.Body);
    }

    [Fact]
    public void ResetPassword_HtmlEncodesTheDeviceName_AndHasNoRemoteContent()
    {
        var html = Messages().ResetPassword("jane@example.com", Device, "K7Q29MZD", Now, Now.AddMinutes(30)).HtmlBody;

        Assert.Contains("Garage &lt;b&gt;NVR&lt;/b&gt; &amp; &quot;more&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>NVR", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void PasswordChanged_SaysWhenAndHow()
    {
        var message = Messages().PasswordChanged("jane@example.com", Device, Now, "with an emailed Secure Code");
        Assert.StartsWith("Password changed — ", message.Subject, StringComparison.Ordinal);
        Assert.Contains("with an emailed Secure Code", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordChanged_HtmlEncodesTheDeviceName()
    {
        var html = Messages().PasswordChanged("jane@example.com", Device, Now, "with an emailed Secure Code").HtmlBody;

        Assert.Contains("Garage &lt;b&gt;NVR&lt;/b&gt; &amp; &quot;more&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>NVR", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderInjection_ThroughTheDeviceName_IsImpossible()
    {
        var hostile = Device with { Name = "NVR\r\nBcc: victim@example.com" };
        var message = Messages().ResetPassword("jane@example.com", hostile, "K7Q29MZD", Now, Now.AddMinutes(30));
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        var raw = System.Text.Encoding.ASCII.GetString(stream.ToArray());

        Assert.DoesNotContain("\r\nBcc:", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(message.Bcc);
    }
}
