namespace Nightjar.Recorder.Hosting;

/// <summary>Files in the data folder hold secrets (keys, hashes, the certificate): only the service user may read them.</summary>
public static class DataFolder
{

    /// <summary>Creates the folder as 0700, or makes an existing one 0700.</summary>
    public static void CreatePrivate(string path) => Recording.Storage.OwnerOnly.Folder(path);

    /// <summary>Writes to a temporary file, flushes it to disk, then renames it over the target, so a crash leaves the old or the new file, never half of one.</summary>
    public static void WritePrivateAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Recording.Storage.OwnerOnly.FileMode;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
