using System.Diagnostics;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>One recorder per recordings folder: a second is refused in words, and a dead one never keeps the folder.</summary>
public sealed class FolderLockTests
{
    private const string InUse = "is in use by another running Nightjar recorder";

    [Fact]
    public async Task ASecondEngine_OnTheSameFolder_IsRefused_UntilTheFirstStops()
    {
        using var folder = new TemporaryFolder();
        var first = await ScriptedEngine.StartAsync(folder: folder);

        var refused = await Assert.ThrowsAsync<IOException>(() => ScriptedEngine.StartAsync(folder: folder));
        Assert.Contains(InUse, refused.Message, StringComparison.Ordinal);

        await first.DisposeAsync();
        await using var second = await ScriptedEngine.StartAsync(folder: folder);
    }

    [Fact]
    public async Task AnotherProcessHoldingTheFolder_KeepsTheEngineOut_AndItsDeathLetsTheEngineIn()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder.Path);
        // util-linux's flock(1) takes the same kind of lock another recorder process would hold (itself: --close keeps it
        // from the command it runs, so killing flock is letting go of it).
        var holder = new ProcessStartInfo("/usr/bin/flock") { RedirectStandardOutput = true };
        foreach (var arg in new[] { "--exclusive", "--nonblock", "--close", Path.Combine(folder.Path, RecordingsFolderLock.FileName), "sh", "-c", "echo held; exec sleep 60" })
        {
            holder.ArgumentList.Add(arg);
        }

        using var other = Process.Start(holder)!;
        try
        {
            Assert.Equal("held", await other.StandardOutput.ReadLineAsync());
            var refused = await Assert.ThrowsAsync<IOException>(() => ScriptedEngine.StartAsync(folder: folder));
            Assert.Contains(InUse, refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            other.Kill(entireProcessTree: true); // as a crash would: the kernel lets go of the lock
            await other.WaitForExitAsync();
        }

        await using var engine = await ScriptedEngine.StartAsync(folder: folder);
    }
}
