using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;

namespace Nightjar.Recorder.Mail;

/// <summary>
/// Gives every outgoing message what receiving servers check before they trust it: the configured sender, a
/// Date, a Message-ID on the sender's domain, <c>Auto-Submitted: auto-generated</c>, and a DKIM signature when
/// a key is configured. Header values come from MimeKit's types, which fold and encode them, so user text
/// (the device name) cannot inject a header.
/// </summary>
public sealed class MailComposer(IOptionsMonitor<MailOptions> options, TimeProvider clock)
{
    private static readonly HeaderId[] SignedHeaders =
        [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.MimeVersion, HeaderId.ContentType];

    public MailboxAddress From => MailboxAddress.Parse(options.CurrentValue.From);

    /// <summary>
    /// A message with a plain-text and an HTML part. With <paramref name="picture"/> (a JPEG), the HTML shows it inline
    /// where it says <c>cid:picture</c>, and mail programs that show no HTML offer it as an attachment.
    /// </summary>
    public MimeMessage Compose(MailboxAddress to, string subject, string text, string html, (byte[] Jpeg, string FileName)? picture = null)
    {
        var from = From;
        MimeEntity body = new MultipartAlternative
        {
            new TextPart(MimeKit.Text.TextFormat.Plain) { Text = text },
            new TextPart(MimeKit.Text.TextFormat.Html) { Text = html },
        };
        if (picture is { } jpeg)
        {
            var image = new MimePart("image", "jpeg")
            {
                Content = new MimeContent(new MemoryStream(jpeg.Jpeg)),
                ContentId = "picture",
                ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = jpeg.FileName },
                ContentTransferEncoding = ContentEncoding.Base64,
            };
            body = new MultipartRelated { body, image };
        }

        var message = new MimeMessage
        {
            Subject = subject,
            Date = clock.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(from.Domain),
            Body = body,
        };
        message.From.Add(from);
        message.To.Add(to);
        message.Headers.Add("Auto-Submitted", "auto-generated");
        Sign(message);
        return message;
    }

    private void Sign(MimeMessage message)
    {
        var dkim = options.CurrentValue.Dkim;
        if (!dkim.IsConfigured)
        {
            return;
        }

        message.Prepare(EncodingConstraint.SevenBit);
        var signer = new DkimSigner(dkim.PrivateKeyFile!, dkim.Domain!, dkim.Selector!)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        signer.Sign(message, SignedHeaders);
    }
}
