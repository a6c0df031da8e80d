using System.Threading.Channels;
using Nightjar.Contracts;
using Nightjar.Recording;
using Nightjar.Recording.Events;

namespace Nightjar.Recorder.Events;

/// <summary>
/// Events as they happen, for this host's screens and live sockets: every change of the engine's events (for the
/// console to redraw) and the messages they make, with health messages, for each subscriber. A subscriber that does not
/// keep up loses the oldest messages, never the recorder's memory. Alerts do not come from here but from the index's
/// change log, which outlives a restart.
/// </summary>
public sealed class EventFeed(RecordingEngine engine, EventDescriptions descriptions, ILogger<EventFeed> logger) : IHostedService
{
    /// <summary>Messages a subscriber may have waiting before the oldest are dropped.</summary>
    public const int Backlog = 64;

    private readonly Channel<EventChange> incoming = Channel.CreateUnbounded<EventChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly object gate = new();
    private readonly HashSet<Channel<EventMessage>> subscribers = [];
    private Task? loop;

    /// <summary>An event started, got its pictures or ended (raised on a background thread).</summary>
    public event Action<EventChange>? Changed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        engine.EventChanged += Receive;
        loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        engine.EventChanged -= Receive;
        incoming.Writer.TryComplete();
        if (loop is not null)
        {
            await loop;
        }

        lock (gate)
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            subscribers.Clear();
        }
    }

    /// <summary>A new subscriber's messages; dispose the subscription when done.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<EventMessage>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (gate)
        {
            subscribers.Add(channel);
        }

        return new Subscription(this, channel);
    }

    /// <summary>Hands a message (a health message) to every subscriber.</summary>
    public void Publish(EventMessage message)
    {
        lock (gate)
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Writer.TryWrite(message);
            }
        }
    }

    private void Receive(EventChange change) => incoming.Writer.TryWrite(change);

    private async Task RunAsync()
    {
        await foreach (var change in incoming.Reader.ReadAllAsync())
        {
            try
            {
                Changed?.Invoke(change);
                if (await descriptions.MessageAsync(change) is { } message)
                {
                    Publish(message);
                }
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Event {Event} could not be described for the live feed.", change.EventId);
            }
        }
    }

    private void Remove(Channel<EventMessage> channel)
    {
        lock (gate)
        {
            subscribers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    public sealed class Subscription : IDisposable
    {
        private readonly EventFeed feed;
        private readonly Channel<EventMessage> channel;

        internal Subscription(EventFeed feed, Channel<EventMessage> channel)
        {
            this.feed = feed;
            this.channel = channel;
        }

        public ChannelReader<EventMessage> Messages => channel.Reader;

        public void Dispose() => feed.Remove(channel);
    }
}
