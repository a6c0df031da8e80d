namespace Nightjar.Recording.Tests.Scripted;

/// <summary>The Playback calendar's marks: which days of a month hold a recording, asked in one call.</summary>
public sealed class RecordedDaysTests
{
    [Fact]
    public async Task WhichHaveRecordings_MarksTheDaysThatHoldOne_AndNotTheDaysAround()
    {
        await using var scripted = await ScriptedEngine.StartAsync();
        var sources = await scripted.ConnectAsync("porch");
        await scripted.FeedAsync(sources, 0, 25 * 90, TimeSpan.FromMilliseconds(40));
        await scripted.Engine.StopAsync("test over");
        var files = await scripted.RecordingsAsync("porch");
        var main = new StreamKey("porch", StreamKind.Main);

        // Recorded on 1 December from 10:00:07 UTC: the 30th of November and the 2nd of December have nothing.
        var midnight = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var days = Enumerable.Range(-1, 3).Select(i => (midnight.AddDays(i), midnight.AddDays(i + 1))).ToList();
        Assert.Equal([false, true, false], await scripted.Engine.Index.WhichHaveRecordingsAsync(main, days));

        // Ranges that only touch the recordings (ending where the first begins, starting where the last ends) hold none of them.
        var touching = new[] { (files[0].Start.AddHours(-1), files[0].Start), (files[^1].End, files[^1].End.AddHours(1)) };
        Assert.Equal([false, false], await scripted.Engine.Index.WhichHaveRecordingsAsync(main, touching));
        Assert.Equal([false], await scripted.Engine.Index.WhichHaveRecordingsAsync(new StreamKey("porch", StreamKind.Sub), [days[1]]));
        Assert.Empty(await scripted.Engine.Index.WhichHaveRecordingsAsync(main, []));
    }
}
