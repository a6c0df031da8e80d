using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Video;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>
/// Exports' own bound and their deletion, against a recorder recording the fake camera: an export past the bound is
/// not written and says why, the unused part of the bound is kept from recordings, and the app deletes exports by name.
/// </summary>
public sealed class ExportsTests(RecordingCameraFixture fixture) : IClassFixture<RecordingCameraFixture>
{
    private TestRecorder Recorder => fixture.Recorder;

    private Exports Exports => Recorder.Get<Exports>();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = "")
    {
        using var api = Recorder.CreateApiClient();
        using var request = VideoConnections.Get(path, token == "" ? fixture.Token : token);
        request.Method = method;
        return await api.SendAsync(request);
    }

    /// <summary>Exports four seconds of the camera and waits for the job to end; returns it as it ended.</summary>
    private async Task<ExportJob> ExportAsync()
    {
        var now = TimeProvider.System.GetUtcNow();
        var (job, error) = await Exports.StartAsync(new StreamKey(RecordingCameraFixture.CameraId, StreamKind.Main), "Front Door", now.AddSeconds(-6), now.AddSeconds(-2));
        Assert.True(job is not null, error);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Exports.Recent.First(j => j.Id == job.Id) is { Finished: false })
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The export did not end.");
            await Task.Delay(100);
        }

        return Exports.Recent.First(j => j.Id == job.Id);
    }

    [Theory]
    [InlineData(2L << 40, 4L << 30)] // a 2 TiB recorder disk: 4 GiB
    [InlineData(16L << 30, (16L << 30) / 10)] // a 16 GiB card: a tenth of it
    [InlineData(5L << 20, 1L << 20)] // never less than 1 MiB
    public void WithoutAConfiguredBound_ExportsGetAtMostATenthOfASmallDisk(long diskBytes, long bound) =>
        Assert.Equal(bound, ExportsRoom.DefaultFor(diskBytes));

    [Fact]
    public async Task AnExportPastTheBound_IsNotWritten_AndSaysExportsAreFull_UntilOneIsDeleted()
    {
        var room = Recorder.Get<ExportsRoom>();
        Assert.Equal(ExportsOptions.DefaultMaxBytes, room.MaxBytes);
        Directory.CreateDirectory(Exports.Folder);
        var filler = Path.Combine(Exports.Folder, "filler.mp4");
        await using (var file = File.Create(filler))
        {
            file.SetLength(room.MaxBytes - 1000); // sparse: the bound counts the bytes the files say they hold
        }

        var refused = await ExportAsync();

        Assert.Equal("Exports are full: 4 GiB of 4 GiB used, and this export needs " + ExportsRoom.Size(refused.BytesTotal) + ". Delete exports you no longer need.", refused.Error);
        Assert.False(File.Exists(Path.Combine(Exports.Folder, refused.FileName)));
        Assert.Empty(Directory.GetFiles(Exports.Folder, "*.partial"));
        Assert.Equal(1000, (await Recorder.Get<RecordingEngine>().GetStorageFiguresAsync()).KeptFreeForOthersBytes); // what is left of the bound

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "/api/v1/exports/filler.mp4")).StatusCode);
        var written = await ExportAsync();
        Assert.Null(written.Error);
        var figures = await Recorder.Get<RecordingEngine>().GetStorageFiguresAsync();
        // The exports folder is on the recordings disk: what is left of its bound is kept from recordings.
        Assert.Equal(room.MaxBytes - room.UsedBytes(), figures.KeptFreeForOthersBytes);
        Assert.True(figures.KeptFreeForOthersBytes < room.MaxBytes);
        Assert.Equal(ExportDeletion.Deleted, Exports.Delete(written.FileName));
    }

    [Fact]
    public async Task AnExportThatWillNotGo_IsAnsweredInWords_NotWithA500()
    {
        // An immutable file (chattr +i): not even root may unlink it, as on a disk gone read-only.
        Directory.CreateDirectory(Exports.Folder);
        var stuck = Path.Combine(Exports.Folder, "stuck.mp4");
        await File.WriteAllTextAsync(stuck, "not a video");
        await RunAsync("chattr", "+i", stuck);
        try
        {
            var response = await SendAsync(HttpMethod.Delete, "/api/v1/exports/stuck.mp4");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(ProblemTypes.StorageUnavailable, await ProblemTypeAsync(response));
            Assert.Equal(ExportDeletion.Failed, Exports.Delete("stuck.mp4"));
            Assert.True(File.Exists(stuck));
        }
        finally
        {
            await RunAsync("chattr", "-i", stuck);
            File.Delete(stuck);
        }
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(program, args);
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited with {process.ExitCode}.");
    }

    [Fact]
    public async Task Delete_RemovesTheFile_WhichLeavesTheListing_OnlyWithAToken()
    {
        var job = await ExportAsync();
        Assert.Null(job.Error);
        var path = $"/api/v1/exports/{Uri.EscapeDataString(job.FileName)}";

        var anonymous = await SendAsync(HttpMethod.Delete, path, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.True(File.Exists(Path.Combine(Exports.Folder, job.FileName)));

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, path)).StatusCode);
        Assert.False(File.Exists(Path.Combine(Exports.Folder, job.FileName)));
        var list = await (await SendAsync(HttpMethod.Get, "/api/v1/exports")).Content.ReadFromJsonAsync<List<ExportInfo>>();
        Assert.DoesNotContain(list!, e => e.Name == job.FileName);

        var again = await SendAsync(HttpMethod.Delete, path);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(ProblemTypes.NotFound, await ProblemTypeAsync(again));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, path)).StatusCode);
    }

    [Theory]
    [InlineData("nothing-here.mp4")]
    [InlineData("..%2Fcanary.mp4")]
    [InlineData("..%2F..%2Fexports%2Fcanary.mp4")]
    [InlineData("%2E%2E")]
    [InlineData("..%5C..%5Cetc%5Cpasswd")]
    [InlineData("canary.mp4.partial")]
    [InlineData("%00.mp4")]
    [InlineData("canary.mp4%00")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.mp4")]
    public async Task DeletingANameThatIsNotAnExport_IsRefused_AndDeletesNothing(string name)
    {
        // A file beside the data folder named like an export, and a .partial (an export being written) in the folder.
        Directory.CreateDirectory(Exports.Folder);
        string[] canaries = [Path.Combine(Recorder.DataDir, "canary.mp4"), Path.Combine(Exports.Folder, "canary.mp4.partial")];
        foreach (var canary in canaries)
        {
            await File.WriteAllTextAsync(canary, "keep me");
        }

        var before = Directory.GetFiles(Recorder.DataDir);
        try
        {
            var response = await SendAsync(HttpMethod.Delete, $"/api/v1/exports/{name}");

            // A NUL never reaches the route: the server refuses it with 400. ".." is taken off the path, which then names
            // /api/v1/, where there is no route (404, the server's own problem type); every other name is looked up in
            // the listing and not found there.
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{name}: {response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.NotFound && name != "%2E%2E")
            {
                Assert.Equal(ProblemTypes.NotFound, await ProblemTypeAsync(response));
            }

            Assert.All(canaries, c => Assert.True(File.Exists(c), $"{c} was deleted."));
            Assert.Equal(before, Directory.GetFiles(Recorder.DataDir));
        }
        finally
        {
            Array.ForEach(canaries, File.Delete);
        }
    }

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString()!;
    }
}
