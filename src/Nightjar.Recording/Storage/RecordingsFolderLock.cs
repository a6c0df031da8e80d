namespace Nightjar.Recording.Storage;

/// <summary>
/// Keeps a second recorder out of a recordings folder this one uses (after Moonfire's directory lock): two recorders
/// writing one folder would each delete the other's files as unindexed and index the other's as their own. An
/// advisory lock (flock, which .NET takes for <see cref="FileShare.None"/> on Linux) on a file in the folder, held
/// while the engine runs and let go by the kernel if the process dies, so a crash never leaves the folder locked.
/// </summary>
internal sealed class RecordingsFolderLock : IDisposable
{
    public const string FileName = ".nightjar-lock";

    /// <summary>What .NET on Linux reports when the lock is held elsewhere: flock's errno, EWOULDBLOCK.</summary>
    private const int WouldBlock = 11;

    private readonly FileStream file;

    private RecordingsFolderLock(FileStream file) => this.file = file;

    /// <summary>Takes the folder, or throws an <see cref="IOException"/> that says another recorder has it.</summary>
    public static RecordingsFolderLock Take(RecordingLayout layout)
    {
        try
        {
            return new RecordingsFolderLock(new FileStream(Path.Combine(layout.Root, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex) when (ex.HResult == WouldBlock)
        {
            throw new IOException(
                $"the recordings folder {layout.Root} is in use by another running Nightjar recorder; two recorders cannot share one folder.", ex);
        }
    }

    public void Dispose() => file.Dispose();
}
