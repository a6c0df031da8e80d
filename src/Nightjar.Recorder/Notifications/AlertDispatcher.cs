using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Storage;
using Nightjar.Recorder.WebPush;
using Nightjar.Recording;
using Nightjar.Recording.Events;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Turns events and the recorder's health into alerts. It reads the engine's event change log from where it last
/// stopped and, for every change, queues in the <see cref="Outbox"/> what each channel set up sends, moving its cursor
/// on in the same transaction: nothing is lost or queued twice across a crash, a reboot or a password reset, and
/// nothing here ever waits for a broker or a webhook (their senders do). A channel that has been down for a while holds
/// at most <see cref="MaxWaitingPerCamera"/> alerts per camera; later ones are folded into the newest ("and 12 more").
/// </summary>
public sealed class AlertDispatcher(
    RecordingEngine engine,
    NotificationSettingsStore store,
    Outbox outbox,
    Database database,
    EventDescriptions descriptions,
    CameraCatalog catalog,
    AlertEmails emails,
    WebPushSubscriptions pushSubscriptions,
    TimeProvider clock,
    ILogger<AlertDispatcher> logger) : BackgroundService
{
    /// <summary>An alert not delivered within this is given up: an hour-old "motion at the door" helps nobody.</summary>
    public static readonly TimeSpan AlertLifetime = TimeSpan.FromHours(1);

    public const int MaxWaitingPerCamera = 20;

    private const string RecorderKey = "recorder";

    private readonly SemaphoreSlim wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        engine.EventChanged += Wake;
        try
        {
            var cursor = await store.GetCursorAsync();
            if (cursor is null)
            {
                // The first start with alerts: what happened before is history, not news.
                cursor = await engine.Events.Changes.LastSequenceAsync();
                await database.InTransactionAsync(async (c, t) =>
                {
                    await NotificationSettingsStore.SetCursorAsync(c, t, cursor.Value);
                    return true;
                }, stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var changes = await engine.Events.Changes.AfterAsync(cursor.Value, 100);
                    foreach (var change in changes)
                    {
                        await HandleAsync(change);
                        cursor = change.Sequence;
                    }

                    if (changes.Count == 0)
                    {
                        await WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is IOException or SqliteException)
                {
                    logger.LogError("Alerts could not be queued: {Message}; trying again in 5 s.", ex.Message);
                    await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            engine.EventChanged -= Wake;
        }
    }

    /// <summary>Queues a message about the recorder's health on every channel set up (with Send Alerts and health alerts on).</summary>
    public async Task QueueHealthAsync(HealthInfo health)
    {
        var settings = (await store.GetEffectiveAsync()).Settings;
        if (!settings.SendAlerts || !settings.HealthAlerts)
        {
            return;
        }

        var message = new EventMessage(EventMessageTypes.Health, null, health, await descriptions.DeviceAsync());
        var key = health.Camera ?? RecorderKey;
        var rows = new List<OutboxMessage>();
        if (settings.HasMqtt)
        {
            rows.Add(Json(OutboxChannel.Mqtt, AlertPurpose.Health, MqttTarget(settings), health.Text, message, key));
        }

        if (settings.HasWebhook)
        {
            rows.Add(Json(OutboxChannel.Webhook, AlertPurpose.Health, WebhookTarget(settings), health.Text, message, key));
        }

        if (settings.HasEmail)
        {
            rows.Add(await emails.HealthAsync(settings.EmailTo.Trim(), health, clock.GetUtcNow() + AlertLifetime));
        }

        var push = new PushNotification(health.Text, message.Device.Name, "health-" + key, "/", null, health.At);
        await QueueAsync(rows, cursor: null, push: (push, AlertPurpose.Health, key));
    }

    /// <summary>
    /// Queues a test alert on one channel (Send Test), whatever Send Alerts and snoozes say; returns its outbox id, or
    /// null when the channel is not set up.
    /// </summary>
    public async Task<long?> QueueTestAsync(string channel)
    {
        var settings = (await store.GetEffectiveAsync()).Settings;
        var device = await descriptions.DeviceAsync();
        var health = new HealthInfo("test", null, null, $"This is a test alert from {device.Name}.", clock.GetUtcNow());
        var message = new EventMessage(EventMessageTypes.Health, null, health, device);
        OutboxMessage? row = channel switch
        {
            OutboxChannel.Mqtt when settings.HasMqtt => Json(channel, AlertPurpose.Test, MqttTarget(settings), "Test", message, null),
            OutboxChannel.Webhook when settings.HasWebhook => Json(channel, AlertPurpose.Test, WebhookTarget(settings), "Test", message, null),
            OutboxChannel.Email when settings.HasEmail => await emails.TestAsync(settings.EmailTo.Trim(), device, clock.GetUtcNow() + AlertLifetime),
            _ => null,
        };
        if (channel == OutboxChannel.Push)
        {
            var push = new PushNotification("Test", health.Text, "test", "/", null, health.At);
            var ids = await QueueAsync([], cursor: null, push: (push, AlertPurpose.Test, null));
            return ids.Count > 0 ? ids[^1] : null;
        }

        return row is null ? null : (await QueueAsync([row], cursor: null)).LastOrDefault();
    }

    /// <summary>
    /// The alerts one change makes. A camera that alerts on any motion alerts from an event's start; one that alerts on
    /// people or vehicles alerts from the change where the detector first saw one in the event (sent as its start, so
    /// every receiver sees a start and an end), and never for an event without. Email goes once an event alerts and
    /// has its picture, whichever comes second. MQTT's state topics follow every event, alerting or not.
    /// </summary>
    private async Task HandleAsync(EventChange change)
    {
        var rows = new List<OutboxMessage>();
        PushNotification? push = null;
        var settings = (await store.GetEffectiveAsync()).Settings;
        var recorded = await engine.Events.GetAsync(change.EventId);
        if (settings.SendAlerts && recorded is not null && clock.GetUtcNow() - change.At < AlertLifetime)
        {
            var snoozed = (await store.GetSnoozesAsync(clock.GetUtcNow())).ContainsKey(recorded.CameraId);
            var names = await descriptions.CameraNamesAsync();
            var described = EventDescriptions.Describe(recorded, names.GetValueOrDefault(recorded.CameraId, recorded.CameraId));
            var device = await descriptions.DeviceAsync();
            var subject = $"{EventDescriptions.WhatHappened(described)}: {described.CameraName}";
            // Without a detector (its model missing or damaged) nothing would ever alert on people: motion does, rather than silence.
            var wanted = engine.DetectionProblem is null ? (await catalog.ListAsync()).FirstOrDefault(c => c.Id == recorded.CameraId)?.Motion.AlertLabels : null;
            var seenBefore = wanted is null ? null : await engine.Events.Changes.LabelsBeforeAsync(change.EventId, change.Sequence);
            var alertedBefore = wanted is null || seenBefore!.Overlaps(wanted);
            var firstMatch = !alertedBefore && change.Kind == EventChangeKind.Updated && change.Labels.Any(wanted!.Contains);
            var (type, purpose) = change.Kind switch
            {
                EventChangeKind.Started => (EventMessageTypes.Start, alertedBefore ? AlertPurpose.EventStart : null),
                EventChangeKind.Updated when firstMatch => (EventMessageTypes.Start, AlertPurpose.EventStart),
                EventChangeKind.Updated => (EventMessageTypes.Update, alertedBefore ? AlertPurpose.EventUpdate : null),
                EventChangeKind.Ended => (EventMessageTypes.End, alertedBefore ? AlertPurpose.EventEnd : null),
                _ => ((string?)null, (string?)null),
            };
            if (snoozed)
            {
                purpose = null;
            }

            if (type == EventMessageTypes.Start && purpose is not null)
            {
                // A phone is woken for what happened, not for its updates and end: those are on the Events screen.
                push = new PushNotification(subject, device.Name, "event-" + described.Id, "/#events",
                    $"/api/v1/events/{described.Id}/thumbnail.jpg", recorded.Start);
            }

            if (type is not null)
            {
                var message = new EventMessage(type, described, null, device);
                var said = subject + (type == EventMessageTypes.End ? " (ended)" : "");
                if (settings.HasMqtt)
                {
                    rows.Add(Json(OutboxChannel.Mqtt, purpose ?? AlertPurpose.EventState, MqttTarget(settings), said, message, recorded.CameraId));
                }

                if (settings.HasWebhook && purpose is not null)
                {
                    rows.Add(Json(OutboxChannel.Webhook, purpose, WebhookTarget(settings), said, message, recorded.CameraId));
                }
            }

            var pictured = change.Kind == EventChangeKind.Pictured && alertedBefore && !snoozed;
            if (pictured && settings.HasMqtt && recorded.SnapshotPath is not null)
            {
                rows.Add(Json(OutboxChannel.Mqtt, AlertPurpose.EventPicture, MqttTarget(settings), subject + " (picture)",
                    new EventMessage(EventMessageTypes.Update, described, null, device), recorded.CameraId));
            }

            var emailNow = pictured || (firstMatch && !snoozed && await engine.Events.Changes.PicturesSettledAsync(change.EventId, change.Sequence));
            if (emailNow && settings.HasEmail)
            {
                rows.Add(await emails.EventAsync(settings.EmailTo.Trim(), described, recorded, device, clock.GetUtcNow() + AlertLifetime));
            }
        }

        await QueueAsync(rows, change.Sequence, emailCooldown: settings.Cooldown, cameraId: recorded?.CameraId,
            push: push is null ? null : (push, AlertPurpose.EventStart, recorded!.CameraId));
    }

    /// <summary>
    /// Queues the rows and moves the cursor (when given) in one transaction; an email about an event only when its
    /// camera's last one is older than the cool-down; a Web Push alert to every browser that receives them, in order per
    /// camera (<paramref name="push"/>'s key) and browser.
    /// </summary>
    private async Task<List<long>> QueueAsync(List<OutboxMessage> rows, long? cursor, TimeSpan? emailCooldown = null, string? cameraId = null,
        (PushNotification Notification, string Purpose, string? Key)? push = null)
    {
        var now = clock.GetUtcNow();
        var ids = await database.InTransactionAsync(async (connection, transaction) =>
        {
            var queued = new List<long>();
            foreach (var row in rows)
            {
                if (row.Purpose == AlertPurpose.EventEmail && cameraId is not null)
                {
                    if (await NotificationSettingsStore.GetLastEmailAsync(connection, transaction, cameraId) is { } last && now - last < emailCooldown)
                    {
                        continue;
                    }

                    await NotificationSettingsStore.SetLastEmailAsync(connection, transaction, cameraId, now);
                }
                else if (row.SequenceKey is { } key && row.Channel != OutboxChannel.Email
                         && await outbox.FoldIfFullAsync(connection, transaction, row.Channel, key, MaxWaitingPerCamera))
                {
                    continue;
                }

                queued.Add(await outbox.EnqueueAsync(connection, transaction, row));
            }

            if (push is { } alert)
            {
                foreach (var subscription in await pushSubscriptions.ListActiveAsync(connection, transaction))
                {
                    var row = new OutboxMessage(OutboxChannel.Push, alert.Purpose, WebPushRecipient(subscription), alert.Notification.Title,
                        JsonSerializer.SerializeToUtf8Bytes(new WebPushDelivery(subscription.Id, alert.Notification), EventJson.Options), false,
                        now + AlertLifetime, OutboxPriority.Alert, alert.Key is null ? null : $"{alert.Key}@{subscription.Id}");
                    if (row.SequenceKey is null || !await outbox.FoldIfFullAsync(connection, transaction, row.Channel, row.SequenceKey, MaxWaitingPerCamera))
                    {
                        queued.Add(await outbox.EnqueueAsync(connection, transaction, row));
                    }
                }
            }

            if (cursor is { } sequence)
            {
                await NotificationSettingsStore.SetCursorAsync(connection, transaction, sequence);
            }

            return queued;
        });
        foreach (var id in ids)
        {
            outbox.Queued(id);
        }

        return ids;
    }

    private OutboxMessage Json(string channel, string purpose, string target, string subject, EventMessage message, string? key) =>
        new(channel, purpose, target, subject, JsonSerializer.SerializeToUtf8Bytes(message, EventJson.Options), false,
            clock.GetUtcNow() + AlertLifetime, OutboxPriority.Alert, key);

    /// <summary>How the delivery log names a browser: its sign-in's name and its push service's host.</summary>
    private static string WebPushRecipient(WebPushSubscription subscription) =>
        $"{subscription.ClientName} via {new Uri(subscription.Endpoint).Host}";

    private static string MqttTarget(NotificationSettings settings) =>
        string.Create(CultureInfo.InvariantCulture, $"{settings.MqttHost.Trim()}:{settings.Port}");

    private static string WebhookTarget(NotificationSettings settings) =>
        Uri.TryCreate(settings.WebhookUrl.Trim(), UriKind.Absolute, out var url) ? url.GetLeftPart(UriPartial.Authority) : "webhook";

    private void Wake(EventChange change)
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await wake.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
