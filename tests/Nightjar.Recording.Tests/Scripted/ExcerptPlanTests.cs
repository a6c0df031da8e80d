using Nightjar.Recording.Playback;
using Nightjar.TestSupport;

namespace Nightjar.Recording.Tests.Scripted;

/// <summary>
/// An excerpt's plan costs memory per file, not per frame, and one download's Range requests share one plan: a slow
/// reader of a long range cannot hold megabytes of plan, and a player's many Range requests do not read the index
/// again each time.
/// </summary>
public sealed class ExcerptPlanTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    [Fact]
    public async Task AnExcerpt_IsPlannedAsOnePiecePerFile_NotOnePerFrame_AndReadsEveryFrame()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 200, Frame);
        await scripted.Engine.StopAsync("test over");
        var files = await scripted.RecordingsAsync("porch");

        var excerpt = await scripted.Engine.ExcerptAsync(new StreamKey("porch", StreamKind.Main), files[0].Start, files[^1].End);

        Assert.NotNull(excerpt);
        Assert.InRange(files.Count, 3, 5);
        Assert.Equal(files.Count, excerpt.Pieces.Count); // 5,000 frames, one piece per file
        Assert.Equal(files.Sum(f => f.Fragments), excerpt.Fragments);
        Assert.Equal(files[0].InitBytes + files.Sum(f => f.Bytes - f.InitBytes), excerpt.Length);

        // Read whole, and in pieces from places a Range request would start: the same bytes, every frame in order.
        byte[] whole;
        await using (var stream = excerpt.Open())
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            whole = copy.ToArray();
        }

        Assert.Equal(excerpt.Length, whole.Length);
        await using (var stream = excerpt.Open())
        {
            foreach (var start in new[] { whole.Length - 1000L, 5, whole.Length / 2, excerpt.Pieces[1].ExcerptOffset - 3, excerpt.Pieces[^1].ExcerptOffset })
            {
                stream.Position = start;
                var part = new byte[Math.Min(70_000, whole.Length - start)];
                await stream.ReadExactlyAsync(part);
                Assert.Equal(whole.AsSpan((int)start, part.Length).ToArray(), part);
            }
        }

        var path = Path.Combine(scripted.Folder.Path, "excerpt.mp4");
        await File.WriteAllBytesAsync(path, whole);
        var probe = await Ffprobe.ProbeAsync(path);
        Assert.Equal("", probe.Errors.Trim());
        Assert.Equal(excerpt.Fragments, probe.Streams[0].Frames);
        var steps = probe.VideoPackets.Zip(probe.VideoPackets.Skip(1), (a, b) => b.DtsTime - a.DtsTime).ToList();
        Assert.All(steps, step => Assert.InRange(step, 0.039, 0.041)); // no hole or overlap at the file boundaries
    }

    [Fact]
    public async Task TheSameExcerptAskedAgain_ReusesItsPlan_UntilItsLifetimeIsOver()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 100, Frame);
        var stream = new StreamKey("porch", StreamKind.Main);
        var (from, to) = (ScriptedEngine.Start.AddSeconds(10), ScriptedEngine.Start.AddSeconds(70));
        var made = scripted.Engine.ExcerptPlansMade;

        // A player's Range requests of one download, two of them at once.
        var first = await Task.WhenAll(scripted.Engine.ExcerptAsync(stream, from, to), scripted.Engine.ExcerptAsync(stream, from, to));
        var again = await scripted.Engine.ExcerptAsync(stream, from, to);

        Assert.NotNull(again);
        Assert.Same(first[0], again);
        Assert.Same(first[1], again);
        Assert.Equal(made + 1, scripted.Engine.ExcerptPlansMade);

        Assert.NotSame(again, await scripted.Engine.ExcerptAsync(stream, from, to.AddSeconds(1))); // another range is another plan
        Assert.Null(await scripted.Engine.ExcerptAsync(stream, from.AddDays(-1), to.AddDays(-1))); // nothing recorded: not kept
        Assert.Null(await scripted.Engine.ExcerptAsync(stream, from.AddDays(-1), to.AddDays(-1)));
        Assert.Equal(made + 4, scripted.Engine.ExcerptPlansMade);

        scripted.Clock.Advance(ExcerptPlans.Lifetime + TimeSpan.FromSeconds(1));
        Assert.NotSame(again, await scripted.Engine.ExcerptAsync(stream, from, to));
    }
}
