namespace Nightjar.Contracts;

/// <summary>
/// <c>POST /api/v1/push/subscriptions</c>: a browser's push subscription as its <c>PushSubscription.toJSON()</c> gives
/// it (the push service's address and the browser's keys for RFC 8291 encryption).
/// </summary>
public sealed record PushSubscriptionRequest(string? Endpoint, PushSubscriptionKeys? Keys);
