using Nightjar.Recording.Storage;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Ingest;

/// <summary>The engine against the project's fake camera over real RTSP, with Debian's ffmpeg and ffprobe.</summary>
public sealed class FakeCameraRecordingTests : IAsyncLifetime
{
    private readonly TemporaryFolder folder = new();
    private readonly CapturedLog log = new();
    private FakeCamera camera = null!;

    public async Task InitializeAsync() => camera = await FakeCamera.StartAsync();

    public async Task DisposeAsync()
    {
        await camera.DisposeAsync();
        folder.Dispose();
    }

    private Task<RecordingEngine> StartEngineAsync() =>
        RecordingEngine.StartAsync(new RecordingOptions { Dir = folder.Path }, TimeProvider.System, log);

    private CameraSource Camera(string id = "cam1") =>
        new(id, "Front door", new StreamEndpoint(camera.Url("main"), "", ""), new StreamEndpoint(camera.Url("sub"), "", ""));

    [Fact]
    public async Task MainAndSubStream_AreRecorded_IntoFilesThatFfprobeReadsWhole()
    {
        var started = TimeProvider.System.GetUtcNow();
        await using (var engine = await StartEngineAsync())
        {
            await engine.ApplyAsync([Camera()]);
            var main = new StreamKey("cam1", StreamKind.Main);
            var status = await Eventually.StateAsync(engine, main, s => s.State == StreamState.Recording, TimeSpan.FromSeconds(15), "main stream recording");
            Assert.Equal("H.264 Constrained Baseline", status.Facts?.Codec);
            Assert.Equal((640, 360), (status.Facts!.Width, status.Facts.Height));
            await Task.Delay(TimeSpan.FromSeconds(6));
        }

        var recordings = await ReadIndexAsync();
        foreach (var kind in new[] { StreamKind.Main, StreamKind.Sub })
        {
            var files = recordings.Where(r => r.Stream.Kind == kind).ToList();
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                Assert.False(file.Open);
                var path = Path.Combine(folder.Path, file.Path);
                Assert.Equal(file.Bytes, new FileInfo(path).Length);
                var report = await Ffprobe.ProbeAsync(path);
                Assert.Equal("", report.Errors.Trim());
                var video = Assert.Single(report.Streams);
                Assert.Equal("h264", video.CodecName);
                Assert.Equal(kind == StreamKind.Main ? 640 : 320, video.Width);

                // Every frame the index counts is in the file, decodable, in order, with no hole.
                var seconds = file.MediaDuration / 90_000.0;
                Assert.InRange(video.Frames, seconds * 25 * 0.98, (seconds * 25 * 1.02) + 1);
                Assert.True(report.VideoPackets[0].IsKeyframe);
                for (var i = 1; i < report.VideoPackets.Count; i++)
                {
                    var step = report.VideoPackets[i].Dts - report.VideoPackets[i - 1].Dts;
                    Assert.InRange(step, 1, 3600 * 3 / 2);
                }

                Assert.InRange(file.Start, started.AddSeconds(-1), TimeProvider.System.GetUtcNow());
            }
        }
    }

    private async Task<IReadOnlyList<RecordingSummary>> ReadIndexAsync()
    {
        var index = await RecordingIndex.OpenAsync(Path.Combine(folder.Path, "recordings.db"));
        return await index.GetAllRecordingsAsync();
    }
}
