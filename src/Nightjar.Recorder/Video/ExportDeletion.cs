namespace Nightjar.Recorder.Video;

/// <summary>What came of deleting an export by its name.</summary>
public enum ExportDeletion
{
    Deleted,

    /// <summary>The listing has no export of that name (it was never joined into a path as given).</summary>
    NotFound,

    /// <summary>The file is there but could not be deleted (permissions, a failing disk); the log says why.</summary>
    Failed,
}
