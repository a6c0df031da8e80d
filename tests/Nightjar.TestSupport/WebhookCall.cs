using System.Text;

namespace Nightjar.TestSupport;

/// <summary>One request the test's webhook receiver got: its exact body and its signature header.</summary>
public sealed record WebhookCall(byte[] Body, string Signature, string ContentType)
{
    public string Text => Encoding.UTF8.GetString(Body);
}
