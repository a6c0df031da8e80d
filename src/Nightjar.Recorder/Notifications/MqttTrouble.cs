using System.Net.Sockets;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;

namespace Nightjar.Recorder.Notifications;

/// <summary>Why an MQTT broker could not be used, in words for the delivery log.</summary>
public static class MqttTrouble
{
    /// <summary>
    /// Why the broker could not be used, in words for the delivery log (never the password). With <paramref name="tls"/>,
    /// a connection the broker cut during the handshake is TLS's failure: a broker that speaks no TLS does just that.
    /// </summary>
    public static string Describe(Exception ex, bool tls) => ex switch
    {
        BrokerRefusedException refused => refused.Code switch
        {
            MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized => "the broker refused the user name or password",
            MqttClientConnectResultCode.ServerUnavailable or MqttClientConnectResultCode.ServerBusy => "the broker is busy or unavailable",
            _ => $"the broker refused the connection ({refused.Code})",
        },
        MqttConnectingFailedException when ex.Message.Contains("NotAuthorized", StringComparison.Ordinal)
            || ex.Message.Contains("BadUserNameOrPassword", StringComparison.Ordinal) => "the broker refused the user name or password",
        _ when Find<System.Security.Authentication.AuthenticationException>(ex) is not null
            || tls && (Find<SocketException>(ex) is { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }
                || Find<SocketException>(ex) is null && Find<IOException>(ex) is not null)
            => "TLS failed: the broker's certificate is not trusted, or it does not speak TLS",
        _ when Find<SocketException>(ex) is { SocketErrorCode: SocketError.ConnectionRefused } => "the broker refused the connection (is it running on this port?)",
        _ when Find<SocketException>(ex) is { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "the broker's host name is not known",
        _ when Find<SocketException>(ex) is not null => "the broker cannot be reached",
        OperationCanceledException or TimeoutException or MqttCommunicationTimedOutException => "the broker did not answer in time",
        _ => "the connection to the broker failed: " + ex.Message,
    };

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }
}
