using System.Text;
using Nightjar.Client;
using Nightjar.Recorder.Pairing;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.App.Tests;

/// <summary><c>nightjar-app events</c> and <c>events --follow</c> against a recorder watching the fake camera's scripted walks.</summary>
public sealed class CompanionEventsTests : IAsyncLifetime
{
    private FakeCamera camera = null!;
    private TestRecorder recorder = null!;
    private string home = null!;
    private DeviceStore store = null!;

    public async Task InitializeAsync()
    {
        camera = await FakeCamera.StartAsync(gop: 15, walkEvery: 12, walkOffset: 14, walkSeconds: 3);
        recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Yard", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("motion")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("motion-sub")}");
        await recorder.CompleteSetupAsync();
        home = Path.Combine(Path.GetTempPath(), "nightjar-app-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        store = new DeviceStore(Path.Combine(home, "config"));
        var pairing = (await recorder.Get<PairingAddress>().GetAsync() with { Host = "127.0.0.1" }).ToString();
        Assert.Equal(Exit.Ok, (await AppRun.RunAsync(store, TestRecorder.AdminPassword + "\n", "add", pairing, "--name", "home")).Code);
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        await camera.DisposeAsync();
        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public async Task Events_ListsEachWalk_AndFollowPrintsTheNextOneAsItStartsAndEnds()
    {
        var first = await camera.WaitForHappeningAsync(SceneHappening.Walk, 0, TimeSpan.FromSeconds(60));
        await Task.Delay(first.End - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(7));

        var listed = await AppRun.RunAsync(store, "", "events", "home");
        Assert.Equal(Exit.Ok, listed.Code);
        var line = Assert.Single(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\tYard\tmotion\t-\t[2-5] s\t\d+$", line);
        var id = line.Split('\t')[^1];

        // Its clip and Keep, by the id the list shows.
        var clip = Path.Combine(home, "walk.mp4");
        var saved = await AppRun.RunAsync(store, "", "events", "home", "--download", id, "-o", clip);
        Assert.Equal(Exit.Ok, saved.Code);
        Assert.InRange(await Ffprobe.DurationAsync(clip), 9, 20);
        var kept = await AppRun.RunAsync(store, "", "events", "home", "--keep", id);
        Assert.Equal((Exit.Ok, $"Event {id} is kept."), (kept.Code, kept.Output.Trim()));
        Assert.True((await recorder.Get<Nightjar.Recording.RecordingEngine>().Events.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))!.Kept);
        Assert.Equal(Exit.Ok, (await AppRun.RunAsync(store, "", "events", "home", "--unkeep", id)).Code);
        Assert.Equal(Exit.NothingFound, (await AppRun.RunAsync(store, "", "events", "home", "--keep", "987654")).Code);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var printed = new StringBuilder();
        var said = new StringBuilder();
        var output = TextWriter.Synchronized(new StringWriter(printed));
        var error = TextWriter.Synchronized(new StringWriter(said));
        var following = AppRun.RunUntilAsync(store, output, error, stop.Token, "events", "home", "--camera", "yard", "--follow");
        await camera.WaitForHappeningAsync(SceneHappening.Walk, 1, TimeSpan.FromSeconds(30));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Lines(output, printed).Count < 3 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(200);
        }

        await stop.CancelAsync();
        Assert.Equal(Exit.Ok, await following);
        var lines = Lines(output, printed);
        Assert.True(lines.Count == 3, $"The walk listed first, then the next one's start and end; got: {printed} {said}");
        Assert.Matches(@"\tYard\tmotion\t-\tgoing on\t\d+$", lines[1]);
        Assert.Matches(@"\tYard\tmotion\t-\t[2-5] s\t\d+$", lines[2]);
        Assert.Equal(lines[1].Split('\t')[0], lines[2].Split('\t')[0]); // the same event
    }

    [Fact]
    public async Task Events_ForACameraThatDoesNotExist_SaysSo()
    {
        var missing = await AppRun.RunAsync(store, "", "events", "home", "--camera", "Attic");

        Assert.Equal(Exit.NothingFound, missing.Code);
        Assert.Contains("no camera 'Attic'", missing.Error, StringComparison.Ordinal);
    }

    /// <summary>The lines written so far (read under the writer's lock, which the synchronized writer takes).</summary>
    private static List<string> Lines(TextWriter output, StringBuilder printed)
    {
        lock (output)
        {
            return [.. printed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        }
    }
}
