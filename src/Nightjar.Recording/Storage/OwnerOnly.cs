namespace Nightjar.Recording.Storage;

/// <summary>
/// Folders and databases only the service user may read (SPEC §5): created so, and tightened at every start when an
/// older version, an installer or a copy left them open to others. A folder or file the service cannot change
/// stops the start (UnauthorizedAccessException), rather than running with secrets others can read.
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder as 0700, or makes an existing one 0700.</summary>
    public static void Folder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, FolderMode);
        if (File.GetUnixFileMode(path) != FolderMode)
        {
            File.SetUnixFileMode(path, FolderMode);
        }
    }

    /// <summary>Makes a file that exists 0600 (a key or certificate an older version or a restore left readable).</summary>
    public static void ExistingFile(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != FileMode)
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>
    /// Makes a SQLite database file 0600 before SQLite opens it, creating it empty when missing (SQLite reads an empty
    /// file as an empty database). SQLite gives the <c>-wal</c> and <c>-shm</c> files the database file's mode, so
    /// all three stay private; ones an older run left open are tightened too.
    /// </summary>
    public static void DatabaseFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            ExistingFile(file);
        }
    }
}
