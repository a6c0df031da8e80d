using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Events;
using Nightjar.Recording;
using Nightjar.Recording.Detection;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Delivers MQTT alerts to the owner's broker (QoS 1: each counts as sent once the broker has it) and keeps the
/// recorder's state there: <c>&lt;prefix&gt;/status</c> <c>online</c> (retained, <c>offline</c> as the last will), each
/// camera's <c>&lt;prefix&gt;/&lt;camera&gt;/motion</c>, <c>/person</c>, <c>/vehicle</c> and <c>/animal</c> <c>ON</c>/<c>OFF</c>
/// (retained, published again at every connection, so after a restart a camera whose event ended meanwhile says
/// <c>OFF</c>), <c>&lt;prefix&gt;/events</c> the message,
/// <c>&lt;prefix&gt;/&lt;camera&gt;/snapshot</c> the event's picture (retained), and Home Assistant's discovery configs.
/// One connection, opened when there is something to say and kept; a broker that is down or refuses costs a retry on
/// the outbox's schedule, never memory.
/// </summary>
public sealed class MqttSender(
    Outbox outbox, NotificationSettingsStore store, RecordingEngine engine, CameraCatalog catalog, EventDescriptions descriptions,
    TimeProvider clock, ILogger<MqttSender> logger) : BackgroundService
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How often a configured broker is looked at while nothing is to be sent: a broker that restarted hears "online" again.</summary>
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(10);

    /// <summary>The object groups with a topic of their own per camera (<see cref="CocoLabels.GroupOf"/>).</summary>
    private static readonly string[] ObjectTopics = ["person", "vehicle", "animal"];

    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private string? connectedTo;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.Changed += SettingsChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "The MQTT sender failed; trying again in 5 s.");
                    await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
                }
            }
        }
        finally
        {
            store.Changed -= SettingsChanged;
            await DisconnectAsync();
        }
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = (await store.GetEffectiveAsync()).Settings;
        if (!settings.HasMqtt)
        {
            // Set up no more: what waits cannot be delivered anywhere.
            await DisconnectAsync();
            while (await outbox.NextDueAsync(OutboxChannel.Mqtt, OutboxPriority.Alert) is { } due)
            {
                await outbox.MarkFailedAsync(due.Id, "no MQTT broker is set up any more");
            }
        }
        else if (!settings.SendAlerts && await outbox.NextDueAsync(OutboxChannel.Mqtt, OutboxPriority.Alert) is null)
        {
            await DisconnectAsync();
        }
        else if (await ConnectAsync(settings, cancellationToken) is { } problem)
        {
            // Everything due waits for the next attempt, with the reason on Settings → Notifications.
            while (await outbox.NextDueAsync(OutboxChannel.Mqtt, OutboxPriority.Alert) is { } due)
            {
                await outbox.RetryOrExpireAsync(due, problem);
            }
        }
        else
        {
            while (!cancellationToken.IsCancellationRequested && client.IsConnected
                   && await outbox.NextDueAsync(OutboxChannel.Mqtt, OutboxPriority.Alert) is { } due)
            {
                await DeliverAsync(settings, due, cancellationToken);
            }
        }

        var next = await outbox.NextAttemptAsync(OutboxChannel.Mqtt, OutboxPriority.Alert);
        var wait = next is { } at ? at - clock.GetUtcNow() : IdleCheck;
        await outbox.WaitForWorkAsync(OutboxChannel.Mqtt, OutboxPriority.Alert, wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleCheck ? IdleCheck : wait, cancellationToken);
    }

    private async Task DeliverAsync(NotificationSettings settings, DueMessage due, CancellationToken cancellationToken)
    {
        var prefix = settings.TopicPrefix;
        var message = JsonSerializer.Deserialize<EventMessage>(due.Content, EventJson.Options)!;
        var camera = message.Event?.Camera ?? message.Health?.Camera;
        var publications = new List<MqttApplicationMessage>();
        switch (due.Purpose)
        {
            case AlertPurpose.EventStart or AlertPurpose.EventUpdate or AlertPurpose.EventEnd or AlertPurpose.EventState:
                if (due.Purpose != AlertPurpose.EventState)
                {
                    publications.Add(Message($"{prefix}/events", WebhookSender.WithFolded(due), retain: false));
                }

                var going = message.Type != EventMessageTypes.End && message.Event?.End is null;
                var seen = going ? message.Event!.Objects.Select(o => CocoLabels.GroupOf(o.Label)).ToHashSet() : [];
                publications.AddRange(States(prefix, camera!, going, seen));
                break;
            case AlertPurpose.EventPicture:
                if (message.Event is { } described && await engine.Events.GetAsync(described.Id) is { SnapshotPath: { } path })
                {
                    try
                    {
                        publications.Add(Message($"{prefix}/{camera}/snapshot", await File.ReadAllBytesAsync(engine.Layout.FullPath(path), cancellationToken), retain: true));
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        // Deleted meanwhile: nothing to publish.
                    }
                }

                break;
            default:
                publications.Add(Message($"{prefix}/events", WebhookSender.WithFolded(due), retain: false));
                break;
        }

        try
        {
            foreach (var publication in publications)
            {
                var result = await client.PublishAsync(publication, cancellationToken);
                if (!result.IsSuccess)
                {
                    await outbox.RetryOrExpireAsync(due, $"the broker did not take the message ({result.ReasonCode})");
                    return;
                }
            }

            await outbox.MarkSentAsync(due.Id);
            if (due.Folded > 0 && camera is not null)
            {
                await PublishStateAsync(settings, cancellationToken); // folded alerts may have held the last ON or OFF
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            connectedTo = null;
            await outbox.RetryOrExpireAsync(due, MqttTrouble.Describe(ex, settings.MqttTls));
        }
    }

    /// <summary>Connects (again) when not connected to the broker the settings name; null when connected, else why not.</summary>
    private async Task<string?> ConnectAsync(NotificationSettings settings, CancellationToken cancellationToken)
    {
        var target = $"{settings.MqttHost.Trim()}:{settings.Port}|{settings.MqttUserName}|{settings.MqttTls}|{settings.TopicPrefix}|{settings.MqttHomeAssistant}|{settings.MqttCaFile}";
        if (client.IsConnected && connectedTo == target)
        {
            return null;
        }

        await DisconnectAsync();
        var device = await descriptions.DeviceAsync();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.MqttHost.Trim(), settings.Port)
            .WithClientId("nightjar-" + device.Id)
            .WithCleanSession()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(ConnectTimeout)
            .WithWillTopic($"{settings.TopicPrefix}/status")
            .WithWillPayload(Encoding.UTF8.GetBytes("offline"))
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (settings.MqttUserName.Length > 0)
        {
            builder.WithCredentials(settings.MqttUserName, settings.MqttPassword);
        }

        if (settings.MqttTls)
        {
            var caFile = settings.MqttCaFile.Trim();
            builder.WithTlsOptions(tls => tls.UseTls().WithTargetHost(settings.MqttHost.Trim())
                .WithCertificateValidationHandler(context => ServerCertificate.Trusted(context.Certificate, context.SslPolicyErrors, caFile)));
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout + TimeSpan.FromSeconds(1));
            var result = await client.ConnectAsync(builder.Build(), timeout.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new BrokerRefusedException(result.ResultCode);
            }

            connectedTo = target;
            await PublishPresenceAsync(settings, device, cancellationToken);
            logger.LogInformation("Connected to the MQTT broker at {Host}:{Port}.", settings.MqttHost.Trim(), settings.Port);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var problem = MqttTrouble.Describe(ex, settings.MqttTls);
            logger.LogWarning("MQTT broker {Host}:{Port}: {Problem}", settings.MqttHost.Trim(), settings.Port, problem);
            await DisconnectAsync();
            return problem;
        }
    }

    /// <summary>Online, Home Assistant's discovery configs, and every camera's motion state: what a broker must know after a (re)start.</summary>
    private async Task PublishPresenceAsync(NotificationSettings settings, DeviceSummary device, CancellationToken cancellationToken)
    {
        var prefix = settings.TopicPrefix;
        await client.PublishAsync(Message($"{prefix}/status", Encoding.UTF8.GetBytes("online"), retain: true), cancellationToken);
        if (settings.MqttHomeAssistant)
        {
            foreach (var camera in await catalog.ListAsync())
            {
                foreach (var (topic, config) in HomeAssistantDiscovery.Configs(device, camera.Id, camera.Name, prefix))
                {
                    await client.PublishAsync(Message(topic, config, retain: true), cancellationToken);
                }
            }
        }

        await PublishStateAsync(settings, cancellationToken);
    }

    private async Task PublishStateAsync(NotificationSettings settings, CancellationToken cancellationToken)
    {
        var open = (await engine.Events.ListOpenAsync()).ToLookup(e => e.CameraId, StringComparer.Ordinal);
        foreach (var camera in await catalog.ListAsync())
        {
            var events = open[camera.Id].ToList();
            var seen = events.SelectMany(e => e.Objects).Select(o => CocoLabels.GroupOf(o.Label)).ToHashSet();
            foreach (var state in States(settings.TopicPrefix, camera.Id, events.Count > 0, seen))
            {
                await client.PublishAsync(state, cancellationToken);
            }
        }
    }

    /// <summary>A camera's motion, person, vehicle and animal topics: ON while an event goes on and, for the last three, shows one.</summary>
    private static IEnumerable<MqttApplicationMessage> States(string prefix, string camera, bool going, HashSet<string?> seen)
    {
        yield return Message($"{prefix}/{camera}/motion", Encoding.UTF8.GetBytes(going ? "ON" : "OFF"), retain: true);
        foreach (var group in ObjectTopics)
        {
            yield return Message($"{prefix}/{camera}/{group}", Encoding.UTF8.GetBytes(going && seen.Contains(group) ? "ON" : "OFF"), retain: true);
        }
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload, bool retain) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private void SettingsChanged() => connectedTo = null;


    private async Task DisconnectAsync()
    {
        connectedTo = null;
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            // A clean disconnect would drop the last will: say offline ourselves first.
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
        }
    }

    public override void Dispose()
    {
        client.Dispose();
        base.Dispose();
    }
}
