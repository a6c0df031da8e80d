namespace Nightjar.Recording.Events;

/// <summary>What happened to an event. Stored by name: never rename a member.</summary>
public enum EventChangeKind
{
    /// <summary>It began: its row exists, its pictures may not yet.</summary>
    Started,

    /// <summary>Its pictures were made (or could not be: then it has none).</summary>
    Pictured,

    /// <summary>It ended (also when the recorder found it still open at start, after a crash).</summary>
    Ended,

    /// <summary>The object detector saw something in it that it had not seen in it before (<see cref="EventChange.Labels"/>).</summary>
    Updated,
}
