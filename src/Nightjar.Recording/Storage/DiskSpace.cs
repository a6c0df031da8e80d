namespace Nightjar.Recording.Storage;

/// <summary>The disk a folder is on: its mount point, file system and device (from /proc/self/mountinfo), size and free space.</summary>
public sealed record DiskSpace(string MountPoint, string FileSystem, string Device, long TotalBytes, long FreeBytes)
{
    /// <summary>Reads the disk of <paramref name="folder"/> (which must exist). Free space is what an unprivileged writer can use.</summary>
    public static DiskSpace Of(string folder)
    {
        var drive = new DriveInfo(folder);
        var (mount, fileSystem, device) = FindMount(Path.GetFullPath(folder));
        return new DiskSpace(mount, fileSystem, device, drive.TotalSize, drive.AvailableFreeSpace);
    }

    /// <summary>Free bytes only: one statvfs, cheap enough to ask every second.</summary>
    public static long FreeBytesOf(string folder) => new DriveInfo(folder).AvailableFreeSpace;

    private static (string Mount, string FileSystem, string Device) FindMount(string path)
    {
        (string Mount, string FileSystem, string Device) best = ("/", "", "");
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                // id parent major:minor root mount-point options [optional...] - fstype source super-options
                var fields = line.Split(' ');
                var dash = Array.IndexOf(fields, "-");
                if (fields.Length < 5 || dash < 0 || dash + 2 >= fields.Length)
                {
                    continue;
                }

                var mount = fields[4].Replace("\\040", " ", StringComparison.Ordinal);
                var inside = path == mount || path.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
                if (inside && mount.Length >= best.Mount.Length)
                {
                    best = (mount, fields[dash + 1], fields[dash + 2]);
                }
            }
        }
        catch (IOException)
        {
            // Not Linux, or /proc is not mounted: the mount point stays unknown.
        }

        return best;
    }
}
