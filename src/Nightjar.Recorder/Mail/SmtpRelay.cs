using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Nightjar.Recorder.Mail;

/// <summary>
/// One delivery through the owner's relay with MailKit. Failures are sorted the way MailKit documents them: a
/// <see cref="SmtpCommandException"/> with a 5xx status is a refusal (permanent), 4xx is "try later";
/// <see cref="SmtpProtocolException"/>, socket and TLS errors mean the conversation broke and a fresh
/// connection may work. Nothing here logs the password or the message.
/// </summary>
public sealed class SmtpRelay
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static int DefaultPort(SmtpSecurity security) => security switch
    {
        SmtpSecurity.SslOnConnect => 465,
        SmtpSecurity.None => 25,
        _ => 587,
    };

    public async Task<DeliveryResult> SendAsync(RelaySettings relay, MimeMessage message, CancellationToken cancellationToken)
    {
        var port = int.TryParse(relay.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : DefaultPort(relay.Security);
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(relay.Host.Trim(), port, Map(relay.Security), cancellationToken);
            if (relay.Username.Length > 0)
            {
                await client.AuthenticateAsync(relay.Username, relay.Password, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return new DeliveryResult.Delivered();
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            var what = ex.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted => "recipient refused",
                SmtpErrorCode.SenderNotAccepted => "sender refused",
                SmtpErrorCode.MessageNotAccepted => "message refused",
                _ => "relay refused the command",
            };
            var reason = $"{what} ({code.ToString(CultureInfo.InvariantCulture)} {ex.Message.Trim()})";
            return code >= 500 ? new DeliveryResult.Permanent(reason) : new DeliveryResult.Transient(reason);
        }
        catch (AuthenticationException)
        {
            return new DeliveryResult.Transient("authentication refused (check the SMTP user name and password)");
        }
        catch (SslHandshakeException ex)
        {
            return new DeliveryResult.Transient("secure connection failed: " + ex.Message.Split('\n')[0].Trim());
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult.Transient("relay unreachable: " + ex.Message.Trim());
        }
    }

    private static SecureSocketOptions Map(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
