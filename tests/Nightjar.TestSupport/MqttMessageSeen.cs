using System.Text;

namespace Nightjar.TestSupport;

/// <summary>One MQTT message a test's listener received.</summary>
public sealed record MqttMessageSeen(string Topic, byte[] Payload, bool Retained)
{
    public string Text => Encoding.UTF8.GetString(Payload);
}
