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

    /// <summary>Every mount the recorder sees (mount point, file system, device), from /proc/self/mountinfo; none where there is no /proc.</summary>
    public static IReadOnlyList<(string MountPoint, string FileSystem, string Device)> Mounts()
    {
        var mounts = new List<(string, string, string)>();
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

                mounts.Add((fields[4].Replace("\\040", " ", StringComparison.Ordinal), fields[dash + 1], fields[dash + 2]));
            }
        }
        catch (IOException)
        {
            // Not Linux, or /proc is not mounted: no mount is known.
        }

        return mounts;
    }

    private static (string Mount, string FileSystem, string Device) FindMount(string path)
    {
        (string Mount, string FileSystem, string Device) best = ("/", "", "");
        foreach (var (mount, fileSystem, device) in Mounts())
        {
            var inside = path == mount || path.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (inside && mount.Length >= best.Mount.Length)
            {
                best = (mount, fileSystem, device);
            }
        }

        return best;
    }
}
