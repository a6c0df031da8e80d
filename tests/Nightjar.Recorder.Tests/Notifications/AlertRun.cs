using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Storage;
using Nightjar.Recording;
using Nightjar.Recording.Motion;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;

namespace Nightjar.Recorder.Tests.Notifications;

/// <summary>
/// A real recorder with alert channels set up in its configuration, and events made as a camera's motion watcher makes
/// them (no camera has to move): what follows an event (the dispatcher, the outbox, the senders) is all real.
/// </summary>
internal static class AlertRun
{
    public const string Camera = "cfg9";

    /// <summary>An event of <paramref name="seconds"/> on <see cref="Camera"/>, starting now; its start, end and (missing) pictures follow.</summary>
    public static async Task MakeEventAsync(TestRecorder recorder, double seconds = 2)
    {
        var engine = recorder.Get<RecordingEngine>();
        var start = WallClock.ToMicroseconds(TimeProvider.System.GetUtcNow());
        var region = new MotionRegion(0.2, 0.3, 0.2, 0.4);
        await engine.RecordMotionAsync(Camera, new MotionChange(MotionChangeKind.Started, start, region));
        await engine.RecordMotionAsync(Camera, new MotionChange(MotionChangeKind.Ended, start + (long)(seconds * 1_000_000), region));
    }

    /// <summary>The outbox rows of a channel, oldest first.</summary>
    public static async Task<List<(long Id, string Purpose, string State, int Attempts, int Folded, string? Error)>> RowsAsync(TestRecorder recorder, string channel)
    {
        await using var connection = await recorder.Get<Database>().OpenAsync();
        return await connection.QueryAsync(
            "SELECT id, purpose, state, attempts, folded, last_error FROM outbox WHERE channel = @Channel ORDER BY id",
            r => (r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetStringOrNull(5)),
            new { Channel = channel });
    }

    /// <summary>Waits until <paramref name="done"/> holds for a channel's rows; throws with the rows when it never does.</summary>
    public static async Task<List<(long Id, string Purpose, string State, int Attempts, int Folded, string? Error)>> WaitForRowsAsync(
        TestRecorder recorder, string channel, Func<List<(long Id, string Purpose, string State, int Attempts, int Folded, string? Error)>, bool> done, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var rows = await RowsAsync(recorder, channel);
            if (done(rows))
            {
                return rows;
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"The {channel} rows never got there: " + string.Join("; ", rows.Select(r => $"{r.Purpose} {r.State} x{r.Attempts} +{r.Folded} {r.Error}")));
            }

            await Task.Delay(100);
        }
    }

    public static bool Is(string state, OutboxState expected) => state == expected.ToString();
}
