using System.Text;

namespace Nightjar.TestSupport;

/// <summary>One MQTT message a test's listener received, and when (for latency figures).</summary>
public sealed record MqttMessageSeen(string Topic, byte[] Payload, bool Retained, DateTimeOffset ReceivedAt)
{
    public string Text => Encoding.UTF8.GetString(Payload);
}
