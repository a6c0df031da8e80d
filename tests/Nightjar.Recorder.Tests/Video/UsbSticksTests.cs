using Nightjar.Recorder.Video;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>
/// Exports copied to a USB stick the system mounted under the USB folder: real small disks mounted there (tmpfs, root
/// only, as CI runs), a real recorder, and an export file in its exports folder.
/// </summary>
public sealed class UsbSticksTests : IAsyncLifetime
{
    private const string ExportName = "Porch_20261201T143000Z_143500Z.mp4";
    private readonly string usbFolder = Path.Combine(Path.GetTempPath(), "nightjar-media-" + Guid.NewGuid().ToString("N"));
    private TestRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(usbFolder);
        recorder = await TestRecorder.StartAsync($"--Nightjar:Exports:UsbFolder={usbFolder}");
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        Directory.Delete(usbFolder, recursive: true);
    }

    private UsbSticks Usb => recorder.Get<UsbSticks>();

    private async Task<byte[]> ExportAsync(int bytes)
    {
        var folder = recorder.Get<Exports>().Folder;
        Directory.CreateDirectory(folder);
        var content = new byte[bytes];
        Random.Shared.NextBytes(content);
        await File.WriteAllBytesAsync(Path.Combine(folder, ExportName), content);
        return content;
    }

    [SkippableFact]
    public async Task AStickMountedUnderTheUsbFolder_IsOffered_AndAnExportIsCopiedOntoIt_Whole()
    {
        var content = await ExportAsync(3 << 20);
        Assert.Empty(Usb.Find());
        await using var stick = await TinyDisk.MountAsync(megabytes: 8, at: Path.Combine(usbFolder, "KINGSTON"));
        Skip.IfNot(stick.Mounted, TinyDisk.NeedsRoot);

        var found = Assert.Single(Usb.Find());
        Assert.Equal(("KINGSTON", stick.Path), (found.Name, found.MountPoint));
        var progress = new List<double>();
        var result = await Usb.CopyAsync(ExportName, found.MountPoint, new Recorded(progress), CancellationToken.None);

        Assert.True(result.Copied, result.Text);
        Assert.Equal($"Copied to KINGSTON (Nightjar/{ExportName}). The stick can be taken out.", result.Text);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(stick.Path, "Nightjar", ExportName)));
        Assert.Equal([ExportName], Directory.GetFiles(Path.Combine(stick.Path, "Nightjar")).Select(Path.GetFileName));
        Assert.Equal(1.0, progress[^1]);
    }

    [SkippableFact]
    public async Task AStickWithoutRoom_OrReadOnly_OrGone_IsSaidInWords_AndLeavesNothingHalfWritten()
    {
        await ExportAsync(6 << 20);
        await using var small = await TinyDisk.MountAsync(megabytes: 4, at: Path.Combine(usbFolder, "SMALL"));
        Skip.IfNot(small.Mounted, TinyDisk.NeedsRoot);
        await using var locked = await TinyDisk.MountAsync(megabytes: 16, readOnly: true, at: Path.Combine(usbFolder, "LOCKED"));

        var full = await Usb.CopyAsync(ExportName, small.Path, null, CancellationToken.None);
        Assert.False(full.Copied);
        Assert.Equal("SMALL has 4 MiB free, and this export needs 6 MiB.", full.Text);
        Assert.Empty(Directory.GetFileSystemEntries(small.Path));

        var readOnly = await Usb.CopyAsync(ExportName, locked.Path, null, CancellationToken.None);
        Assert.False(readOnly.Copied);
        Assert.Equal("Not copied to LOCKED: the stick is read-only (its lock switch, or it was mounted read-only).", readOnly.Text);

        // Only what is mounted under the USB folder is a stick; only a listed export is copied, never a path given.
        Assert.Equal("The USB stick is no longer there.", (await Usb.CopyAsync(ExportName, "/", null, CancellationToken.None)).Text);
        Assert.Equal("The USB stick is no longer there.", (await Usb.CopyAsync(ExportName, usbFolder, null, CancellationToken.None)).Text);
        foreach (var hostile in new[] { "../recordings/recordings.db", "/etc/passwd", "", ExportName + "/..", new string('a', 5000) })
        {
            Assert.Equal("This export no longer exists.", (await Usb.CopyAsync(hostile, small.Path, null, CancellationToken.None)).Text);
        }
    }

    [SkippableFact]
    public async Task ALinkOnTheStick_IsNeverWrittenThrough()
    {
        var content = await ExportAsync(1 << 20);
        await using var stick = await TinyDisk.MountAsync(megabytes: 8, at: Path.Combine(usbFolder, "HOSTILE"));
        Skip.IfNot(stick.Mounted, TinyDisk.NeedsRoot);
        var victim = Path.Combine(recorder.DataDir, "victim.txt");
        await File.WriteAllTextAsync(victim, "the recorder's own file");

        // A Nightjar folder that is a link to the recorder's data folder: refused.
        Directory.CreateSymbolicLink(Path.Combine(stick.Path, "Nightjar"), recorder.DataDir);
        var linked = await Usb.CopyAsync(ExportName, stick.Path, null, CancellationToken.None);
        Assert.Equal("Not copied to HOSTILE: its Nightjar folder is a link, which the recorder does not follow.", linked.Text);

        // A partial file and a finished name that are links to it: removed and replaced, never written through.
        Directory.Delete(Path.Combine(stick.Path, "Nightjar"));
        Directory.CreateDirectory(Path.Combine(stick.Path, "Nightjar"));
        File.CreateSymbolicLink(Path.Combine(stick.Path, "Nightjar", ExportName + ".partial"), victim);
        File.CreateSymbolicLink(Path.Combine(stick.Path, "Nightjar", ExportName), victim);
        var copied = await Usb.CopyAsync(ExportName, stick.Path, null, CancellationToken.None);

        Assert.True(copied.Copied, copied.Text);
        Assert.Equal("the recorder's own file", await File.ReadAllTextAsync(victim));
        Assert.Null(new FileInfo(Path.Combine(stick.Path, "Nightjar", ExportName)).LinkTarget);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(stick.Path, "Nightjar", ExportName)));
    }

    /// <summary>Progress reported synchronously (<see cref="Progress{T}"/> posts to the thread pool, after the copy returns).</summary>
    private sealed class Recorded(List<double> values) : IProgress<double>
    {
        public void Report(double value) => values.Add(value);
    }
}
