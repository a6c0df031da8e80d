using System.Net;
using System.Net.Http.Json;
using Nightjar.Recorder.Power;
using Nightjar.Recorder.Recovery;
using Nightjar.Recording;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Recordings;

/// <summary>
/// Recording goes on through what the console does: a password reset and the console restart after it leave no gap
/// at all; Power → Reboot restarts recording too, and its gap is on the timeline with its reason and length.
/// </summary>
public sealed class RecordingThroughRestartsTests : IAsyncLifetime
{
    private static readonly StreamKey Main = new("cfg0", StreamKind.Main);
    private FakeCamera camera = null!;

    public async Task InitializeAsync() => camera = await FakeCamera.StartAsync(gop: 10);

    public async Task DisposeAsync() => await camera.DisposeAsync();

    private string[] CameraArgs() =>
        ["--Nightjar:Cameras:0:Name=Front Door", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("main")}", $"--Nightjar:Cameras:0:SubStreamUrl={camera.Url("sub")}"];

    private static async Task WaitUntilRecordingAsync(TestRecorder recorder)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (recorder.Get<RecordingEngine>().Status(Main)?.State != StreamState.Recording)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The camera did not start recording.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task APasswordResetAndTheConsoleRestartAfterIt_LeaveNoGapInAnyRecording()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var recorder = await TestRecorder.StartAsync(CameraArgs()); // AfterPasswordReset=Reboot: the console restarts
        await recorder.CompleteSetupAsync("jane@example.com", smtp);
        await WaitUntilRecordingAsync(recorder);
        var engine = recorder.Get<RecordingEngine>();
        var boot = (await recorder.WaitUntilHealthyAsync()).BootId;
        await Task.Delay(1500);

        using var console = recorder.CreateConsoleClient();
        console.DefaultRequestHeaders.Add(RecoveryEndpoints.ConsoleHeader, "1");
        var request = (await (await console.PostAsync("/console/recovery/requests", null)).Content.ReadFromJsonAsync<RecoveryEndpoints.RequestBody>())!;
        var code = SecureCodeText.In(await smtp.WaitForMessageAsync(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal), TimeSpan.FromSeconds(20)));
        var ticket = (await (await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/verify", new { code }))
            .Content.ReadFromJsonAsync<RecoveryEndpoints.TicketBody>())!.Ticket;
        var done = await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/complete",
            new { ticket, newPassword = "quiet-harbor-3195", confirmPassword = "quiet-harbor-3195" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var resetAt = TimeProvider.System.GetUtcNow();

        await recorder.WaitUntilHealthyAsync(notBootId: boot); // the console came back: a new host
        await Task.Delay(2500);

        Assert.Same(engine, recorder.Get<RecordingEngine>());
        Assert.Equal(StreamState.Recording, engine.Status(Main)?.State);
        foreach (var stream in new[] { Main, Main with { Kind = StreamKind.Sub } })
        {
            var recordings = await engine.Index.GetRecordingsAsync(stream, resetAt.AddMinutes(-5), resetAt.AddMinutes(5));
            // One run: after its first file every file continues the one before, with no reason for a gap.
            Assert.All(recordings.Skip(1), r => Assert.Null(r.GapReason));
            for (var i = 1; i < recordings.Count; i++)
            {
                Assert.Equal(recordings[i - 1].End, recordings[i].Start);
            }

            // And in the files themselves (not the index), frame after frame across the reset and the restart: no step
            // longer than 1.5 frames (25 fps) inside a file, nor from a file's last frame to the next file's first,
            // placed by each file's start (a file's own times begin at 0) give or take the 500 ppm a file may be corrected.
            Assert.Contains(recordings, r => r.Start <= resetAt && r.End >= resetAt.AddSeconds(1));
            DateTimeOffset? lastFrame = null;
            foreach (var recording in recordings)
            {
                var probe = await Ffprobe.ProbeAsync(engine.Layout.FullPath(recording.Path));
                Assert.Equal("", probe.Errors.Trim());
                var times = probe.VideoPackets.Select(p => p.DtsTime).ToList();
                Assert.All(times.Zip(times.Skip(1), (a, b) => b - a), step => Assert.InRange(step, 0.001, 0.06));
                if (lastFrame is { } last)
                {
                    var across = (recording.Start.AddSeconds(times[0]) - last).TotalSeconds;
                    Assert.InRange(across, 0.001, 0.06 + (0.0005 * (recording.End - recording.Start).TotalSeconds));
                }

                lastFrame = recording.Start.AddSeconds(times[^1]);
            }
        }

        var timeline = await engine.GetTimelineAsync(Main, resetAt.AddMinutes(-5), TimeProvider.System.GetUtcNow());
        Assert.Empty(timeline.Gaps);
    }

    [Fact]
    public async Task PowerReboot_RestartsRecordingToo_AndItsGapIsOnTheTimeline_WithItsReasonAndLength()
    {
        await using var recorder = await TestRecorder.StartAsync(CameraArgs());
        await recorder.CompleteSetupAsync();
        await WaitUntilRecordingAsync(recorder);
        var boot = (await recorder.WaitUntilHealthyAsync()).BootId;
        await Task.Delay(1500);

        var asked = TimeProvider.System.GetUtcNow();
        Assert.True(await recorder.Get<PowerControl>().RequestAsync(PowerAction.Reboot, "Reboot from a test."));
        await recorder.WaitUntilHealthyAsync(notBootId: boot);
        await WaitUntilRecordingAsync(recorder);
        await Task.Delay(1500);

        var engine = recorder.Get<RecordingEngine>();
        var timeline = await engine.GetTimelineAsync(Main, asked.AddMinutes(-5), TimeProvider.System.GetUtcNow());
        var gap = Assert.Single(timeline.Gaps);
        Assert.Equal("recorder rebooted", gap.Reason);
        Assert.InRange(gap.Start, asked.AddSeconds(-1), asked.AddSeconds(2));
        Assert.InRange(gap.Duration, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
    }
}
