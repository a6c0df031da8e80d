using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Delivers webhook alerts: a <c>POST</c> of the message to <c>Webhook:Url</c> with <c>X-Nightjar-Signature:
/// sha256=&lt;hex HMAC-SHA256 of the exact body with the secret&gt;</c>. An answer that is not 2xx within 5 s is tried
/// again on the outbox's schedule for an hour, a camera's alerts in order; a redirect is never followed and no answer
/// body is read, so a hostile or broken receiver costs a connection for 5 s and nothing more.
/// </summary>
public sealed class WebhookSender(Outbox outbox, NotificationSettingsStore store, ILogger<WebhookSender> logger) : BackgroundService
{
    public const string SignatureHeader = "X-Nightjar-Signature";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = Timeout,
        UseCookies = false,
        UseProxy = false,
        MaxResponseHeadersLength = 16,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout,
        MaxResponseContentBufferSize = 64 * 1024,
    };

    /// <summary>The signature of a body: what a receiver computes with its copy of the secret and compares.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        outbox.SendForeverAsync(OutboxChannel.Webhook, OutboxPriority.Alert, DeliverAsync, logger, stoppingToken);

    private async Task DeliverAsync(DueMessage due, CancellationToken cancellationToken)
    {
        var settings = (await store.GetEffectiveAsync()).Settings;
        if (!settings.HasWebhook || !Uri.TryCreate(settings.WebhookUrl.Trim(), UriKind.Absolute, out var url))
        {
            await outbox.MarkFailedAsync(due.Id, "no webhook is set up any more");
            return;
        }

        var body = WithFolded(due);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("Nightjar/1");
        if (settings.WebhookSecret.Length > 0)
        {
            request.Headers.Add(SignatureHeader, Sign(body, settings.WebhookSecret));
        }

        string? problem;
        var permanent = false;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            (problem, permanent) = status switch
            {
                >= 200 and < 300 => (null, false),
                >= 300 and < 400 => ($"the webhook answered {status} (a redirect, which is not followed)", true),
                408 or 429 => ($"the webhook answered {status} {response.ReasonPhrase}", false),
                >= 400 and < 500 => ($"the webhook refused it: {status} {response.ReasonPhrase}", true),
                _ => ($"the webhook answered {status} {response.ReasonPhrase}", false),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = "the webhook did not answer within 5 s";
        }
        catch (HttpRequestException ex)
        {
            problem = ex.InnerException switch
            {
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "the webhook's server refused the connection",
                SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "the webhook's host name is not known",
                System.Security.Authentication.AuthenticationException => "the webhook's TLS certificate is not trusted",
                _ => "the webhook could not be reached (" + ex.HttpRequestError switch
                {
                    HttpRequestError.ConnectionError => "connection failed",
                    HttpRequestError.InvalidResponse => "not an HTTP answer",
                    _ => ex.HttpRequestError.ToString(),
                } + ")",
            };
        }

        if (problem is null)
        {
            await outbox.MarkSentAsync(due.Id);
        }
        else if (permanent)
        {
            await outbox.MarkFailedAsync(due.Id, problem);
            logger.LogWarning("Webhook alert {Id} not delivered: {Problem}", due.Id, problem);
        }
        else
        {
            await outbox.RetryOrExpireAsync(due, problem);
            logger.LogWarning("Webhook alert {Id} not delivered yet: {Problem}", due.Id, problem);
        }
    }

    /// <summary>The message as sent: with "more" set when later alerts were folded into it.</summary>
    internal static byte[] WithFolded(DueMessage due)
    {
        if (due.Folded == 0)
        {
            return due.Content;
        }

        var message = JsonSerializer.Deserialize<EventMessage>(due.Content, EventJson.Options)!;
        return JsonSerializer.SerializeToUtf8Bytes(message with { More = due.Folded }, EventJson.Options);
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }
}
