namespace Nightjar.Recorder.WebPush;

/// <summary>A browser that receives Web Push alerts: where its push service takes them, its keys, and who registered it.</summary>
public sealed record WebPushSubscription(long Id, string Endpoint, string P256dh, string Auth, string ClientName);
