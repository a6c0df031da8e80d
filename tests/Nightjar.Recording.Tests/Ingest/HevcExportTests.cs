using System.Diagnostics;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Ingest;

/// <summary>H.265 recordings leave the box tagged as Apple's players want them (<c>hvc1</c>), and still play.</summary>
public sealed class HevcExportTests
{
    [Fact]
    public async Task AnH265Recording_IsDownloadedAsHvc1_AndEveryFrameDecodes()
    {
        using var folder = new TemporaryFolder();
        await using var camera = await FakeCamera.StartAsync();
        var log = new CapturedLog();
        var started = TimeProvider.System.GetUtcNow();
        string exported;
        string recorded;
        await using (var engine = await RecordingEngine.StartAsync(new RecordingEngineOptions { Dir = folder.Path }, TimeProvider.System, log))
        {
            var main = new StreamKey("drive", StreamKind.Main);
            await engine.ApplyAsync([new CameraSource("drive", "Drive", new StreamEndpoint(camera.Url("h265"), "", ""), null)]);
            await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(15), "recording");
            await Task.Delay(TimeSpan.FromSeconds(4));
            await engine.StopAsync("test over");

            var excerpt = await engine.ExcerptAsync(main, started, TimeProvider.System.GetUtcNow()) ?? throw new InvalidOperationException("nothing recorded");
            exported = Path.Combine(folder.Path, "exported.mp4");
            await using (var from = excerpt.Open())
            await using (var to = File.Create(exported))
            {
                await from.CopyToAsync(to);
            }

            recorded = Directory.GetFiles(folder.Path, "*.mp4", SearchOption.AllDirectories).First(f => f != exported);
        }

        Assert.Equal("hev1", await TagAsync(recorded)); // the recording stays as the camera's stream was written
        Assert.Equal("hvc1", await TagAsync(exported));
        var report = await Ffprobe.ProbeAsync(exported);
        Assert.Equal("", report.Errors);
        Assert.Equal("hevc", Assert.Single(report.Streams).CodecName);
        Assert.True(report.Streams[0].Frames >= 50, $"{report.Streams[0].Frames} frames decoded");
    }

    private static async Task<string> TagAsync(string path)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_tag_string", "-of", "csv=p=0", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }
}
