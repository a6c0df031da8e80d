namespace Nightjar.Contracts;

/// <summary>The <c>type</c> of an <see cref="EventMessage"/>.</summary>
public static class EventMessageTypes
{
    public const string Start = "event.start";
    public const string Update = "event.update";
    public const string End = "event.end";
    public const string Health = "health";
}
