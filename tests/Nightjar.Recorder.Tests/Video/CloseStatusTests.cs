using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Nightjar.Recorder.Video;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>The pages learn why a socket closed from its status: the served live.js must say the numbers the recorder sends.</summary>
public class CloseStatusTests
{
    [Fact]
    public async Task TheServedPlayer_KnowsTheRecordersCloseStatuses()
    {
        await using var recorder = await TestRecorder.StartAsync();
        using var console = recorder.CreateConsoleClient();
        var script = await console.GetStringAsync("/live.js");

        var table = Regex.Match(script, @"const closeStatus = \{ passwordChanged: (\d+), locked: (\d+), revoked: (\d+) \};");
        Assert.True(table.Success, "live.js has no closeStatus table.");
        Assert.Equal(VideoSockets.PasswordChangedCloseStatus, int.Parse(table.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(VideoSockets.LockedCloseStatus, int.Parse(table.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(VideoSockets.RevokedCloseStatus, int.Parse(table.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
        // Every status a socket is closed with is one a page can tell apart from the standard ones (below 4000).
        Assert.All(new[] { VideoSockets.PasswordChangedCloseStatus, VideoSockets.LockedCloseStatus, VideoSockets.RevokedCloseStatus },
            status => Assert.InRange((WebSocketCloseStatus)status, (WebSocketCloseStatus)4000, (WebSocketCloseStatus)4999));
    }
}
