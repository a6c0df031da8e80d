using Nightjar.Contracts;

namespace Nightjar.Recorder.WebPush;

/// <summary>A Web Push alert as the outbox keeps it: for which subscription, and what it says.</summary>
public sealed record WebPushDelivery(long Subscription, PushNotification Notification);
