using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Storage;

namespace Nightjar.TestSupport;

/// <summary>
/// A real SMTP server on 127.0.0.1 (the SmtpServer package, in-process) that keeps what it receives. It can be
/// stopped and started again on the same port (a relay outage) and told to refuse recipients (a 5xx refusal).
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> received = new();
    private readonly SemaphoreSlim arrived = new(0);
    private SmtpServer.SmtpServer? server;
    private CancellationTokenSource? running;

    private LoopbackSmtpServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>While true, every recipient is refused with a permanent error.</summary>
    public bool RefuseRecipients { get; set; }

    public IReadOnlyCollection<MimeMessage> Received => received;

    public static LoopbackSmtpServer Start()
    {
        var smtp = new LoopbackSmtpServer(FreePort.Next());
        smtp.Resume();
        return smtp;
    }

    /// <summary>Starts listening (again) on the same port.</summary>
    public void Resume()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter(this));
        server = new SmtpServer.SmtpServer(options, services);
        running = new CancellationTokenSource();
        _ = server.StartAsync(running.Token);
    }

    /// <summary>Stops listening, as a relay that went down.</summary>
    public async Task PauseAsync()
    {
        if (server is null || running is null)
        {
            return;
        }

        server.Shutdown();
        await running.CancelAsync();
        try
        {
            await server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        running.Dispose();
        server = null;
        running = null;
    }

    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> match, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var found = received.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            var left = timeout - waited.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No matching message arrived within {timeout.TotalSeconds} s ({received.Count} received).");
            }

            await arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await PauseAsync();
        arrived.Dispose();
    }

    private sealed class Store(LoopbackSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpServer.Protocol.SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            owner.received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            owner.arrived.Release();
            return SmtpServer.Protocol.SmtpResponse.Ok;
        }
    }

    private sealed class Filter(LoopbackSmtpServer owner) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!owner.RefuseRecipients);
    }
}
