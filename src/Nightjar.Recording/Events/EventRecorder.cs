using Microsoft.Extensions.Logging;
using Nightjar.Recording.Live;
using Nightjar.Recording.Motion;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Events;

/// <summary>
/// Records the motion events of every camera: a row in the index the moment one starts (so an alert can go out at
/// once), its pictures as soon as they are made, its end. Every change is in the index's change log before anyone
/// hears of it through <see cref="Changed"/>. A failing disk costs the event, never the recording or the detection.
/// </summary>
internal sealed class EventRecorder(
    EventIndex events, EventPictures pictures, Func<string, LiveFeed?> pictureFeed, Action<long> picturesStored, TimeProvider clock, ILogger logger)
{
    private readonly object gate = new();
    private readonly Dictionary<string, long> open = [];
    private readonly List<Task> picturing = [];

    /// <summary>A change was committed to the index (raised on a background thread, in order per camera).</summary>
    public event Action<EventChange>? Changed;

    /// <summary>The start or end of a camera's event (called in order for each camera).</summary>
    public async Task RecordAsync(string cameraId, MotionChange change)
    {
        try
        {
            if (change.Kind == MotionChangeKind.Started)
            {
                var started = await events.StartAsync(cameraId, EventKinds.Motion, change.AtUs, change.Region, clock.GetUtcNow());
                lock (gate)
                {
                    open[cameraId] = started.EventId;
                }

                Changed?.Invoke(started);
                TakePictures(cameraId, started.EventId, WallClock.FromMicroseconds(change.AtUs));
                return;
            }

            long id;
            lock (gate)
            {
                if (!open.Remove(cameraId, out id))
                {
                    return;
                }
            }

            if (await events.EndAsync(id, change.AtUs, change.Region, clock.GetUtcNow()) is { } ended)
            {
                Changed?.Invoke(ended);
            }
        }
        catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
        {
            logger.LogError("An event of camera {Camera} could not be stored: {Message}", cameraId, ex.Message);
        }
    }

    /// <summary>Waits for pictures still being made (at stop, so none is written after the engine has gone).</summary>
    public async Task DrainAsync()
    {
        Task[] pending;
        lock (gate)
        {
            pending = [.. picturing];
        }

        await Task.WhenAll(pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void TakePictures(string cameraId, long eventId, DateTimeOffset start)
    {
        var moment = pictureFeed(cameraId)?.SinceKeyframe();
        var task = Task.Run(async () =>
        {
            (string Snapshot, string Thumbnail, long Bytes)? made = null;
            if (moment is { } m)
            {
                made = await pictures.MakeAsync(cameraId, eventId, start, m.Init, m.Fragments, CancellationToken.None);
            }

            try
            {
                if (made is { } p)
                {
                    picturesStored(p.Bytes);
                }

                if (await events.SetPicturesAsync(eventId, made?.Snapshot, made?.Thumbnail, made?.Bytes ?? 0, clock.GetUtcNow()) is { } pictured)
                {
                    Changed?.Invoke(pictured);
                }
                else if (made is { } gone)
                {
                    // The event was deleted while its pictures were made (its camera's recordings were deleted).
                    pictures.Delete(gone.Snapshot);
                    pictures.Delete(gone.Thumbnail);
                    picturesStored(-gone.Bytes);
                }
            }
            catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
            {
                logger.LogError("The pictures of event {Event} could not be recorded: {Message}", eventId, ex.Message);
            }
        });
        lock (gate)
        {
            picturing.RemoveAll(t => t.IsCompleted);
            picturing.Add(task);
        }
    }
}
