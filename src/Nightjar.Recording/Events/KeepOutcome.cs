namespace Nightjar.Recording.Events;

public enum KeepOutcome
{
    Done,

    /// <summary>No such event (deleted, or never was).</summary>
    NotFound,

    /// <summary>Kept events would take more than their share of the recordings space.</summary>
    OverShare,
}
