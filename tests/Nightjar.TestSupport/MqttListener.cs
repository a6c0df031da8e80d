using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace Nightjar.TestSupport;

/// <summary>
/// A subscriber to a test's broker (MQTTnet) that keeps every message it receives. Its session is persistent (QoS 1),
/// so messages published while it reconnects after a broker restart reach it all the same.
/// </summary>
public sealed class MqttListener : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly Arrivals<MqttMessageSeen> received = new(m => m.Topic + "=" + (m.Payload.Length > 40 ? $"{m.Payload.Length} bytes" : m.Text));
    private readonly MqttClientOptions options;
    private bool disposed;
    private Task? staying;

    private MqttListener(int port, string? user, string? password)
    {
        var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("test-" + Guid.NewGuid().ToString("N")[..12])
            .WithCleanSession(false).WithSessionExpiryInterval(3600).WithTimeout(TimeSpan.FromSeconds(5));
        if (user is not null)
        {
            builder.WithCredentials(user, password);
        }

        options = builder.Build();
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Add(new MqttMessageSeen(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain, TimeProvider.System.GetUtcNow()));
            return Task.CompletedTask;
        };
    }

    /// <summary>Connects again whenever the broker went away (a restart), for as long as the test runs, and subscribes again.</summary>
    private async Task StayConnectedAsync(string filter)
    {
        while (!disposed)
        {
            await Task.Delay(100);
            if (client.IsConnected)
            {
                continue;
            }

            try
            {
                await client.ConnectAsync(options);
                await SubscribeAsync(filter);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Not back yet.
            }
        }
    }

    private Task<MqttClientSubscribeResult> SubscribeAsync(string filter) =>
        client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => client.IsConnected;

    public IReadOnlyList<MqttMessageSeen> Received => received.All;

    public static async Task<MqttListener> StartAsync(MqttBroker broker, string filter = "#", string? user = null, string? password = null)
    {
        var listener = new MqttListener(broker.Port, user, password);
        await listener.client.ConnectAsync(listener.options);
        await listener.SubscribeAsync(filter);
        listener.staying = listener.StayConnectedAsync(filter);
        return listener;
    }

    /// <summary>The first message (received so far or later) that <paramref name="match"/> accepts.</summary>
    public Task<MqttMessageSeen> WaitForAsync(Func<MqttMessageSeen, bool> match, TimeSpan timeout, string what) =>
        received.WaitForAsync(match, timeout, "on MQTT " + what);

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        if (staying is not null)
        {
            await staying;
        }

        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
        }

        client.Dispose();
        received.Dispose();
    }
}
