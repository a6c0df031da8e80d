using System.Text.Json.Serialization;

namespace Nightjar.Contracts;

/// <summary>
/// The one message shape of every place an event travels: the live events WebSocket, the webhook and MQTT
/// (<c>&lt;prefix&gt;/events</c>). <see cref="Type"/> is one of <see cref="EventMessageTypes"/>. An event message holds
/// <see cref="Event"/>; a health message holds <see cref="Health"/>. <see cref="More"/> is set when an alert channel
/// was down long enough that later alerts of the same camera were folded into this one ("and 12 more").
/// </summary>
public sealed record EventMessage(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EventInfo? Event,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HealthInfo? Health,
    DeviceSummary Device,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? More = null);
