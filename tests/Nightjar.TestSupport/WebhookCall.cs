using System.Text;

namespace Nightjar.TestSupport;

/// <summary>One request the test's webhook receiver got: its exact body, its signature header, and when it came.</summary>
public sealed record WebhookCall(byte[] Body, string Signature, string ContentType, DateTimeOffset ReceivedAt)
{
    public string Text => Encoding.UTF8.GetString(Body);
}
