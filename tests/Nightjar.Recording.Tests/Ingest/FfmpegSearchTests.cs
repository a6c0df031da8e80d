using System.Net;
using System.Net.Sockets;

namespace Nightjar.Recording.Tests.Ingest;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChangesWorkingFolder
{
    public const string Name = "Changes the working folder";
}

/// <summary>
/// The default <c>ffmpeg</c> is found on the PATH only: a program of that name in the working folder (where .NET's
/// Process.Start looks first) or in a relative PATH entry is never run. These tests change the process's working folder,
/// so nothing runs beside them.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(ChangesWorkingFolder.Name)]
public sealed class FfmpegSearchTests
{
    [Fact]
    public async Task AnFfmpegInTheWorkingFolder_IsNotRun_ByTheDefaultPath()
    {
        using var folder = new TemporaryFolder();
        var ran = PlantFakeFfmpeg(folder.Path);
        using var camera = new TcpListener(IPAddress.Loopback, 0);
        camera.Start();
        var before = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder.Path;
        try
        {
            await using var engine = await RecordingEngine.StartAsync(
                new RecordingEngineOptions { Dir = Path.Combine(folder.Path, "recordings"), MinFreeBytes = 0 }, TimeProvider.System, new CapturedLog());
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var url = new Uri($"rtsp://127.0.0.1:{((IPEndPoint)camera.LocalEndpoint).Port}/main");
            try
            {
                await engine.ProbeAsync(new StreamEndpoint(url, "admin", "secret"), enough.Token);
            }
            catch (OperationCanceledException)
            {
                // The real ffmpeg waits for an answer this listener never gives; only which program started matters.
            }

            Assert.False(File.Exists(ran), "The ffmpeg in the working folder was run.");
            Assert.True(Path.IsPathFullyQualified(engine.Options.FfmpegPath), engine.Options.FfmpegPath);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    [Fact]
    public void ABareName_IsLookedUpInAbsolutePathFoldersOnly()
    {
        using var folder = new TemporaryFolder();
        var relative = Path.Combine(folder.Path, "bin");
        Directory.CreateDirectory(relative);
        PlantFakeFfmpeg(relative);
        PlantFakeFfmpeg(folder.Path);
        var absolute = Path.Combine(folder.Path, "usr-bin");
        Directory.CreateDirectory(absolute);
        var real = Path.Combine(absolute, "ffmpeg");
        File.WriteAllText(real, "");
        var before = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder.Path;
        try
        {
            // An empty entry and "." mean the working folder to a shell; "bin" is relative to it.
            Assert.Equal(real, Nightjar.Recording.Ingest.ProgramSearch.Find("ffmpeg", $"::.:bin:{absolute}"));
            Assert.Null(Nightjar.Recording.Ingest.ProgramSearch.Find("ffmpeg", ":.:bin"));
            Assert.Null(Nightjar.Recording.Ingest.ProgramSearch.Find("bin/ffmpeg", absolute));
            Assert.Null(Nightjar.Recording.Ingest.ProgramSearch.Find("./ffmpeg", absolute));
            Assert.Equal(real, Nightjar.Recording.Ingest.ProgramSearch.Find(real, null));
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    /// <summary>An executable named ffmpeg that leaves a file behind when run; returns that file's path.</summary>
    private static string PlantFakeFfmpeg(string folder)
    {
        Directory.CreateDirectory(folder);
        var ran = Path.Combine(folder, "ran");
        var script = Path.Combine(folder, "ffmpeg");
        File.WriteAllText(script, $"#!/bin/sh\ntouch '{ran}'\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return ran;
    }
}
