namespace Nightjar.Recording.Playback;

/// <summary>
/// An excerpt's recordings were deleted while it was being read: to keep the recordings disk's free space (which no
/// reader may hold), at the owner's request (Delete Recordings), or after its reader had taken nothing for
/// <see cref="Storage.FileLeases.StallLimit"/>. The message says which, in words a person can be shown. The reader
/// has sent nothing of the deleted files past this point; a caller that has not sent headers yet answers 410.
/// </summary>
public sealed class RecordingsDeletedException : IOException
{
    /// <summary>What is said when the recordings were gone before the reader opened them.</summary>
    public const string BeforeRead = "These recordings were deleted before they could be sent (to make room for new ones, or at the owner's request).";

    public RecordingsDeletedException()
        : base(BeforeRead)
    {
    }

    public RecordingsDeletedException(string message)
        : base(message)
    {
    }

    public RecordingsDeletedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The exception for a file deleted <paramref name="why"/> ("to keep …", "at the owner's request") while being read.</summary>
    internal static RecordingsDeletedException WhileRead(string why) => new($"These recordings were deleted while being read, {why}.");
}
