using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Security;

/// <summary>
/// The data folder and the recordings folder are the service user's alone (SPEC §5): 0700 folders, 0600 databases
/// with their -wal and -shm, in a fresh folder and in one an older version or an installer left open.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
// Alone: other tests' harnesses clear every SQLite pool in the process when they end, and a database with no connection
// left has no -wal or -shm file to look at.
[Collection(RunsAlone.Name)]
public sealed class DataFolderPermissionTests
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Open = Folder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The data folder and the folders the recorder keeps in it (the camera key's only once a camera password was saved).</summary>
    private static IEnumerable<string> Folders(string dataDir) =>
        new[] { dataDir, Path.Combine(dataDir, "recordings"), Path.Combine(dataDir, "tls"), Path.Combine(dataDir, "keys") }.Where(Directory.Exists);

    private static void AssertPrivate(string dataDir)
    {
        Assert.True(Directory.Exists(Path.Combine(dataDir, "recordings")));
        foreach (var folder in Folders(dataDir))
        {
            Assert.True(File.GetUnixFileMode(folder) == Folder, $"{folder}: {File.GetUnixFileMode(folder)}");
        }

        var databases = new[] { Path.Combine(dataDir, "nightjar.db"), Path.Combine(dataDir, "recordings", "recordings.db") }
            .SelectMany(db => new[] { db, db + "-wal", db + "-shm" })
            .Where(File.Exists)
            .ToList();
        Assert.Equal(6, databases.Count); // both databases in WAL mode, open
        Assert.All(databases, file => Assert.True(File.GetUnixFileMode(file) == File600, $"{file}: {File.GetUnixFileMode(file)}"));
    }

    [Fact]
    public async Task AFreshDataFolder_HoldsOnlyOwnerOnlyFoldersAndDatabases()
    {
        await using var recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        AssertPrivate(recorder.DataDir);
    }

    [Fact]
    public async Task AFolderLeftOpen_IsMadePrivateAtTheNextStart()
    {
        var dataDir = TestRecorder.NewDataDir();
        await using (var first = await TestRecorder.StartInAsync(dataDir))
        {
            await first.CompleteSetupAsync();
        }

        foreach (var folder in Folders(dataDir))
        {
            File.SetUnixFileMode(folder, Open);
        }

        var certificate = Path.Combine(dataDir, "tls", "api-certificate.pfx");
        foreach (var file in Directory.GetFiles(dataDir, "*.db*", SearchOption.AllDirectories).Append(certificate))
        {
            File.SetUnixFileMode(file, File600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        try
        {
            await using var again = await TestRecorder.StartInAsync(dataDir);
            AssertPrivate(dataDir);
            Assert.Equal(File600, File.GetUnixFileMode(certificate));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
