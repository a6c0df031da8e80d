using MQTTnet;

namespace Nightjar.Recorder.Notifications;

/// <summary>The MQTT broker answered the connection with a refusal (a wrong password, say), which <see cref="MqttTrouble"/> puts in words.</summary>
public sealed class BrokerRefusedException(MqttClientConnectResultCode code) : Exception($"The broker refused the connection: {code}.")
{
    public MqttClientConnectResultCode Code { get; } = code;
}
