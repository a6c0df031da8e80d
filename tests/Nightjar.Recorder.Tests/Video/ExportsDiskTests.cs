using Nightjar.Recorder.Video;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>Exports on the recordings disk, a real small one: the unused part of their bound stays free from recordings.</summary>
public sealed class ExportsDiskTests
{
    private const long MinFree = 4L << 20;
    // Within half of what recordings could have on this disk (their files and the free space above the floor), the most
    // retention ever keeps for others.
    private const long ExportsBound = 2L << 20;

    [SkippableFact]
    public async Task OnTheRecordingsDisk_RetentionKeepsTheExportsRoomFree_SoAnExportWithinItsBoundIsWritten()
    {
        await using var disk = await TinyDisk.MountAsync(megabytes: 64);
        Skip.IfNot(disk.Mounted, TinyDisk.NeedsRoot);
        await using var camera = await FakeCamera.StartAsync(gop: 25, mainKbps: 2000);
        await using var recorder = await TestRecorder.StartInAsync(Path.Combine(disk.Path, "data"),
            "--Nightjar:Cameras:0:Name=Porch", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", "--Nightjar:Recordings:FileSeconds=10",
            $"--Nightjar:Recordings:MinFreeBytes={MinFree}", $"--Nightjar:Exports:MaxBytes={ExportsBound}");
        await recorder.CompleteSetupAsync();
        var engine = recorder.Get<RecordingEngine>();
        var main = new StreamKey("cfg0", StreamKind.Main);
        await WaitForAsync(async () => (await engine.Index.GetRecordingsAsync(main, TimeProvider.System.GetUtcNow().AddHours(-1), TimeProvider.System.GetUtcNow().AddHours(1))).Count(r => !r.Open) >= 2,
            TimeSpan.FromSeconds(60), "Two files were not recorded.");
        Assert.Equal(0, (await engine.GetStorageFiguresAsync()).ForcedDeletions);

        // Something else takes the disk down to 1.5 MiB short of the floor plus the exports' room, still above the floor.
        await disk.FillAsync(leaveBytes: MinFree + ExportsBound - (3L << 19));

        await WaitForAsync(() => Task.FromResult(new DriveInfo(disk.Path).AvailableFreeSpace >= MinFree + ExportsBound - (1L << 20)),
            TimeSpan.FromSeconds(30), "Retention did not make the exports' room."); // less what the open file gained since its last round
        Assert.True((await engine.GetStorageFiguresAsync()).ForcedDeletions > 0);

        var exports = recorder.Get<Exports>();
        var now = TimeProvider.System.GetUtcNow();
        var (job, error) = await exports.StartAsync(main, "Porch", now.AddSeconds(-4), now.AddSeconds(-1));
        Assert.True(job is not null, error);
        await WaitForAsync(() => Task.FromResult(exports.Recent.First(j => j.Id == job.Id).Finished), TimeSpan.FromSeconds(20), "The export did not end.");
        Assert.Null(exports.Recent.First(j => j.Id == job.Id).Error);
        Assert.True(File.Exists(Path.Combine(exports.Folder, job.FileName)));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, string failure)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < limit, failure);
            await Task.Delay(200);
        }
    }
}
