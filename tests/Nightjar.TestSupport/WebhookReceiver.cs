using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nightjar.TestSupport;

/// <summary>
/// A real webhook receiver for a test: Kestrel on 127.0.0.1 and a free port, keeping every request's body and
/// signature header. <see cref="Answer"/> decides each answer (204 by default): a test can make it refuse, hang,
/// redirect or answer with a huge body.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Arrivals<WebhookCall> received = new(c => c.Text.Length > 120 ? c.Text[..120] : c.Text);

    private WebhookReceiver(int port)
    {
        Url = new Uri($"http://127.0.0.1:{port}/hooks/nightjar");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/hooks/nightjar", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var call = new WebhookCall(body.ToArray(), context.Request.Headers["X-Nightjar-Signature"].ToString(), context.Request.ContentType ?? "",
                TimeProvider.System.GetUtcNow());
            received.Add(call);
            await Answer(context, call);
        });
    }

    public Uri Url { get; }

    /// <summary>How each request is answered; 204 by default.</summary>
    public Func<HttpContext, WebhookCall, Task> Answer { get; set; } = (context, _) =>
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    };

    public IReadOnlyList<WebhookCall> Received => received.All;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver(FreePort.Next());
        await receiver.app.StartAsync();
        return receiver;
    }

    /// <summary>The first request (received so far or later) that <paramref name="match"/> accepts.</summary>
    public Task<WebhookCall> WaitForAsync(Func<WebhookCall, bool> match, TimeSpan timeout, string what) =>
        received.WaitForAsync(match, timeout, "at the webhook " + what);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        received.Dispose();
    }
}
