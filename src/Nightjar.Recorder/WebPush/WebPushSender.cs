using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Notifications;

namespace Nightjar.Recorder.WebPush;

/// <summary>
/// Delivers Web Push alerts: each encrypted for its browser (RFC 8291, aes128gcm) and signed with the recorder's VAPID
/// key (RFC 8292), posted to the browser's push service, which wakes the phone. A push service that is busy or down is
/// tried again on the outbox's schedule for an hour, a camera's alerts in order; one that says the subscription has
/// ended (404, 410) has it forgotten. A redirect is never followed and no answer waits more than 10 s.
/// </summary>
public sealed class WebPushSender(
    Outbox outbox,
    WebPushSubscriptions subscriptions,
    WebPushKeys keys,
    IOptionsMonitor<NotificationsOptions> options,
    TimeProvider clock,
    ILogger<WebPushSender> logger) : BackgroundService
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The VAPID subject, a contact for the push service's operators. The owner's address would do, but it is not the
    /// recorder's to hand to Google, Apple or Mozilla; push services take any https address.
    /// </summary>
    private const string Subject = "https://nightjar.invalid/";

    private HttpClient? http;
    private PushServiceClient? client;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        keys.Ensure(); // the key exists from the first start, so a browser can subscribe at once
        var caFile = options.CurrentValue.Push.CaFile?.Trim() ?? "";
        http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = Timeout,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => ServerCertificate.Trusted(certificate, errors, caFile) },
        })
        {
            Timeout = Timeout,
            MaxResponseContentBufferSize = 64 * 1024,
        };
        client = new PushServiceClient(http)
        {
            DefaultAuthentication = new VapidAuthentication(keys.PublicKey, keys.PrivateKey) { Subject = Subject },
            DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid,
            AutoRetryAfter = false, // the outbox retries, on its schedule, without holding this sender
            DefaultTimeToLive = (int)AlertDispatcher.AlertLifetime.TotalSeconds,
        };
        return outbox.SendForeverAsync(OutboxChannel.Push, OutboxPriority.Alert, DeliverAsync, logger, stoppingToken);
    }

    private async Task DeliverAsync(DueMessage due, CancellationToken cancellationToken)
    {
        var delivery = JsonSerializer.Deserialize<WebPushDelivery>(due.Content, EventJson.Options)!;
        if (await subscriptions.GetActiveAsync(delivery.Subscription) is not { } subscription)
        {
            await outbox.MarkFailedAsync(due.Id, "this browser no longer receives alerts (it turned them off, or its sign-in ended)");
            return;
        }

        var notification = due.Folded == 0 ? delivery.Notification
            : delivery.Notification with { Body = $"{delivery.Notification.Body} (and {due.Folded} more)" };
        var target = new PushSubscription { Endpoint = subscription.Endpoint };
        target.SetKey(PushEncryptionKeyName.P256DH, subscription.P256dh);
        target.SetKey(PushEncryptionKeyName.Auth, subscription.Auth);
        var message = new PushMessage(JsonSerializer.Serialize(notification, EventJson.Options))
        {
            Urgency = PushMessageUrgency.High,
            TimeToLive = Math.Max(0, (int)(due.NotAfter - clock.GetUtcNow()).TotalSeconds),
        };

        string? problem;
        var permanent = false;
        try
        {
            await client!.RequestPushMessageDeliveryAsync(target, message, cancellationToken);
            problem = null;
        }
        catch (PushServiceClientException ex)
        {
            var status = (int)ex.StatusCode;
            (problem, permanent) = ex.StatusCode switch
            {
                HttpStatusCode.NotFound or HttpStatusCode.Gone => ("the push service says this browser's subscription has ended; it is forgotten", true),
                HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => ($"the push service answered {status} (busy)", false),
                HttpStatusCode.RequestEntityTooLarge => ("the push service refused it as too large", true),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ($"the push service refused the recorder's key ({status})", true),
                _ when status is >= 300 and < 400 => ($"the push service answered {status} (a redirect, which is not followed)", true),
                _ when status is >= 400 and < 500 => ($"the push service refused it: {status}", true),
                _ => ($"the push service answered {status}", false),
            };
            if (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                await subscriptions.RemoveAsync(subscription.Id);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = "the push service did not answer within 10 s";
        }
        catch (HttpRequestException ex)
        {
            problem = ex.InnerException switch
            {
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "the push service refused the connection",
                SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "the push service's host name is not known (is the recorder online?)",
                System.Security.Authentication.AuthenticationException => "the push service's TLS certificate is not trusted",
                _ => $"the push service could not be reached ({ex.HttpRequestError})",
            };
        }

        if (problem is null)
        {
            await outbox.MarkSentAsync(due.Id);
        }
        else if (permanent)
        {
            await outbox.MarkFailedAsync(due.Id, problem);
            logger.LogWarning("Web Push alert {Id} not delivered: {Problem}", due.Id, problem);
        }
        else
        {
            await outbox.RetryOrExpireAsync(due, problem);
            logger.LogWarning("Web Push alert {Id} not delivered yet: {Problem}", due.Id, problem);
        }
    }

    public override void Dispose()
    {
        http?.Dispose();
        base.Dispose();
    }
}
