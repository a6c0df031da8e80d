using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Notifications;

public static class NotificationsRegistration
{
    /// <summary>
    /// Notifications: the one outbox of every message, alert settings (Settings → Notifications, <c>Nightjar:Notifications</c>),
    /// the dispatcher that turns events and health into alerts, and the MQTT, webhook and Web Push senders (email's is Mail's).
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>();
        services.TryAddSingleton<Outbox>();
        services.TryAddSingleton<Security.SecretProtector>();
        services.AddSingleton<NotificationSettingsStore>();
        services.AddSingleton<AlertEmails>();
        services.AddSingleton<AlertDispatcher>();
        services.AddHostedService(s => s.GetRequiredService<AlertDispatcher>());
        services.AddHostedService<MqttSender>();
        services.AddHostedService<WebhookSender>();
        services.AddSingleton<WebPush.WebPushKeys>();
        services.AddSingleton<WebPush.WebPushSubscriptions>();
        services.AddHostedService<WebPush.WebPushSender>();
        return services.AddHostedService<HealthWatcher>();
    }
}
