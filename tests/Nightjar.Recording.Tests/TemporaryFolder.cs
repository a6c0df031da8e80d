namespace Nightjar.Recording.Tests;

/// <summary>A fresh folder for one test's recordings, removed afterwards.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nightjar-rec-" + Guid.NewGuid().ToString("N"));

    /// <summary>Copies every file of a running engine's folder here: what a power cut at this moment would leave.</summary>
    public void CopyFrom(string running)
    {
        foreach (var file in Directory.GetFiles(running, "*", SearchOption.AllDirectories))
        {
            if (System.IO.Path.GetFileName(file) == Nightjar.Recording.Storage.RecordingsFolderLock.FileName)
            {
                continue; // held by the running engine; a power cut lets go of it anyway
            }

            var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(running, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
